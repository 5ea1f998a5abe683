"""Synthetic chat screenshots in the styles of WeChat, SMS (iOS Messages) and QQ.

Real borrowers' screenshots cannot be shipped, so the tests, the benchmark and the demo render
their own, with the geometry of the real apps on a 1080×2340 phone: status bar, title bar with the
other party's name or number, time separators centred, the other side's bubbles on the left
(with an avatar in WeChat and QQ), the owner's on the right, an input bar at the bottom. Text wraps
inside a bubble the way the apps do it: CJK at any character, Latin words and numbers whole.
The truth (each message's side, text and bubble box) comes with every image.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


@dataclass(frozen=True)
class Msg:
    side: str  # "left" (the other party) or "right" (the phone's owner)
    text: str


@dataclass(frozen=True)
class Sep:
    text: str  # a time separator as the app writes it: "昨天 21:47"


@dataclass(frozen=True)
class Style:
    name: str
    background: tuple
    header: tuple
    left_bubble: tuple
    right_bubble: tuple
    left_text: tuple
    right_text: tuple
    avatars: bool
    separator_pill: tuple | None  # QQ draws the time on a grey pill
    subtitle: str = ""  # QQ shows the contact's status under the name
    radius: int = 12


STYLES = {
    "wechat": Style("wechat", (237, 237, 237), (237, 237, 237), (255, 255, 255), (149, 236, 105),
                    (25, 25, 25), (25, 25, 25), True, None, radius=10),
    "sms": Style("sms", (255, 255, 255), (246, 246, 246), (233, 233, 235), (11, 132, 255),
                 (0, 0, 0), (255, 255, 255), False, None, radius=40),
    "qq": Style("qq", (242, 243, 247), (242, 243, 247), (255, 255, 255), (18, 183, 245),
                (20, 20, 20), (255, 255, 255), True, (218, 220, 226), subtitle="手机在线", radius=30),
}

W, H = 1080, 2340
STATUS_H, HEADER_H, INPUT_H = 100, 150, 170
MSG_FONT, SEP_FONT, TITLE_FONT, SMALL_FONT = 48, 34, 52, 30
LINE_GAP = 16
PAD_X, PAD_Y = 30, 26
AVATAR, MARGIN = 110, 30
GAP = 44  # between bubbles


def font_path() -> str:
    for p in FONT_PATHS:
        if Path(p).is_file():
            return p
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True).stdout
    except OSError:
        found = ""
    if found and Path(found).is_file():
        return found
    raise FileNotFoundError("no CJK font: install Debian's fonts-wqy-zenhei (or fonts-noto-cjk)")


@lru_cache(maxsize=None)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_path(), size)


def _tokens(text: str) -> list[str]:
    """Latin words and numbers stay whole (with their trailing space); CJK breaks anywhere."""
    out: list[str] = []
    word = ""
    for ch in text:
        if ch.isascii() and not ch.isspace():
            word += ch
            continue
        if word:
            out.append(word)
            word = ""
        if ch == " " and out:
            out[-1] += " "
        elif ch != " ":
            out.append(ch)
    if word:
        out.append(word)
    return out


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines, cur = [], ""
    for tok in _tokens(text):
        if cur and font.getlength((cur + tok).rstrip()) > width:
            lines.append(cur.rstrip())
            cur = tok.lstrip()
        else:
            cur += tok
    if cur.strip():
        lines.append(cur.rstrip())
    return lines


@dataclass
class Truth:
    title: str
    items: list = field(default_factory=list)  # (Msg | Sep, box (x0, y0, x1, y1)) in image pixels


def _conversation(style: Style, items: list) -> tuple[Image.Image, list]:
    """The scrolling part of the chat, as one tall image; returns it and each item's box."""
    f_msg, f_sep = _font(MSG_FONT), _font(SEP_FONT)
    max_text = int(W * 0.62) - 2 * PAD_X
    layout, y = [], GAP
    for item in items:
        if isinstance(item, Sep):
            tw = int(f_sep.getlength(item.text))
            h = SEP_FONT + 20
            layout.append((item, ((W - tw) // 2 - 16, y, (W + tw) // 2 + 16, y + h), [item.text]))
        else:
            lines = wrap(item.text, f_msg, max_text)
            tw = max(int(f_msg.getlength(s)) for s in lines)
            bw, bh = tw + 2 * PAD_X, len(lines) * MSG_FONT + (len(lines) - 1) * LINE_GAP + 2 * PAD_Y
            inset = MARGIN + (AVATAR + 24 if style.avatars else 0)
            x0 = inset if item.side == "left" else W - inset - bw
            layout.append((item, (x0, y, x0 + bw, y + bh), lines))
            h = bh
        y += h + GAP
    canvas = Image.new("RGB", (W, y), style.background)
    d = ImageDraw.Draw(canvas)
    for item, (x0, y0, x1, y1), lines in layout:
        if isinstance(item, Sep):
            if style.separator_pill:
                d.rounded_rectangle((x0, y0, x1, y1), radius=12, fill=style.separator_pill)
            d.text(((x0 + x1) // 2, (y0 + y1) // 2), item.text, font=f_sep, fill=(140, 140, 140), anchor="mm")
            continue
        left = item.side == "left"
        fill = style.left_bubble if left else style.right_bubble
        d.rounded_rectangle((x0, y0, x1, y1), radius=style.radius, fill=fill)
        tip = y0 + 40
        if left:
            d.polygon([(x0 - 14, tip), (x0 + 1, tip - 12), (x0 + 1, tip + 12)], fill=fill)
        else:
            d.polygon([(x1 + 14, tip), (x1 - 1, tip - 12), (x1 - 1, tip + 12)], fill=fill)
        if style.avatars:
            ax = MARGIN if left else W - MARGIN - AVATAR
            color = (120, 140, 170) if left else (200, 170, 120)
            if style.name == "qq":
                d.ellipse((ax, y0, ax + AVATAR, y0 + AVATAR), fill=color)
            else:
                d.rounded_rectangle((ax, y0, ax + AVATAR, y0 + AVATAR), radius=10, fill=color)
        for i, s in enumerate(lines):
            d.text((x0 + PAD_X, y0 + PAD_Y + i * (MSG_FONT + LINE_GAP)), s, font=f_msg,
                   fill=style.left_text if left else style.right_text)
    return canvas, [(item, box) for item, box, _ in layout]


def _chrome(style: Style, title: str, clock: str) -> Image.Image:
    frame = Image.new("RGB", (W, H), style.background)
    d = ImageDraw.Draw(frame)
    d.rectangle((0, 0, W, STATUS_H + HEADER_H), fill=style.header)
    d.text((60, STATUS_H // 2), clock, font=_font(SMALL_FONT + 4), fill=(0, 0, 0), anchor="lm")
    d.rectangle((W - 120, 38, W - 60, 62), outline=(0, 0, 0), width=3)  # battery
    d.rectangle((W - 116, 42, W - 80, 58), fill=(0, 0, 0))
    cy = STATUS_H + HEADER_H // 2 - (16 if style.subtitle else 0)
    d.text((W // 2, cy), title, font=_font(TITLE_FONT), fill=(0, 0, 0), anchor="mm")
    if style.subtitle:
        d.text((W // 2, cy + 50), style.subtitle, font=_font(SMALL_FONT - 4), fill=(120, 120, 120), anchor="mm")
    d.line((50, STATUS_H + HEADER_H // 2, 75, STATUS_H + HEADER_H // 2 - 25), fill=(0, 0, 0), width=5)  # back arrow
    d.line((50, STATUS_H + HEADER_H // 2, 75, STATUS_H + HEADER_H // 2 + 25), fill=(0, 0, 0), width=5)
    d.line((0, STATUS_H + HEADER_H, W, STATUS_H + HEADER_H), fill=(215, 215, 215), width=2)
    d.rectangle((0, H - INPUT_H, W, H), fill=style.header)
    d.rounded_rectangle((140, H - INPUT_H + 30, W - 220, H - 40), radius=14, fill=(255, 255, 255))
    d.ellipse((40, H - INPUT_H + 40, 110, H - 50), outline=(60, 60, 60), width=4)
    return frame


def render(style: str, title: str, items: list, *, clock: str = "9:41", scroll: int | None = None) -> tuple[Image.Image, Truth]:
    """One screenshot. `scroll` is the offset into the conversation of the top of the visible
    area; by default the end of the chat is shown, as when the user opens it."""
    st = STYLES[style]
    conv, boxes = _conversation(st, items)
    view_h = H - STATUS_H - HEADER_H - INPUT_H
    top = max(0, conv.height - view_h) if scroll is None else max(0, min(scroll, conv.height - view_h))
    frame = _chrome(st, title, clock)
    # A short chat fills only the top of the view; the rest shows the chat's background.
    frame.paste(conv.crop((0, top, W, min(conv.height, top + view_h))), (0, STATUS_H + HEADER_H))
    truth = Truth(title)
    for item, (x0, y0, x1, y1) in boxes:
        if y0 >= top and y1 <= top + min(view_h, conv.height):  # only wholly visible items
            dy = STATUS_H + HEADER_H - top
            truth.items.append((item, (x0, y0 + dy, x1, y1 + dy)))
    return frame, truth


def scroll_shots(style: str, title: str, items: list, overlap: float = 0.35) -> list[tuple[Image.Image, Truth]]:
    """The whole chat as a user captures it: screenshots from the top down, each overlapping the last."""
    st = STYLES[style]
    conv, _ = _conversation(st, items)
    view_h = H - STATUS_H - HEADER_H - INPUT_H
    step = max(1, int(view_h * (1 - overlap)))
    tops = list(range(0, max(1, conv.height - view_h), step)) + [max(0, conv.height - view_h)]
    return [render(style, title, items, scroll=top) for top in dict.fromkeys(tops)]


def degrade(image: Image.Image, how: str) -> Image.Image:
    """The copies people actually send: `jpeg` (recompressed at quality 55, as chat apps do when
    forwarding) and `small` (downscaled to half, as when sent without "original image")."""
    import io

    if how == "jpeg":
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=55)
        return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    if how == "small":
        return image.resize((image.width // 2, image.height // 2), Image.LANCZOS)
    raise ValueError(how)
