"""Rebuild a chat from a screenshot's OCR lines: title, time separators and message bubbles.

Phone apps lay their screens out in density-independent units, which scale with the screen's
width, so the bands are fractions of the width: the status bar (clock, battery) ends near 0.085 W,
the title bar near 0.235 W, and the input bar takes about 0.15 W at the bottom (measured on
WeChat, QQ and iOS/Android Messages at 1080 px; see docs/ocr.md).

- The title is the tallest line in the title bar (QQ puts a smaller status line under the name).
- A time separator is a line centred on the screen that reads as a time (chattime.parse); other
  centred lines are system notices and are left out.
- Lines join into one bubble when they start at the same x, are closer than
  a line's height, and the pixels between them are the bubble's colour, not the chat background.
- A bubble cut by the top or bottom of the chat area (the screenshot shows it only in part) is
  left out: the neighbouring screenshot of the scroll shows it whole.
- A bubble is the other party's (left) or the owner's (right) by which screen edge its widest
  line sits nearer (a wrapped bubble's short last line would mislead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from dunwatch.ocr import chattime
from dunwatch.ocr.engine import Line

STATUS_END, HEADER_END, INPUT_H = 0.085, 0.235, 0.15
CENTRED = 0.03  # margins equal within this fraction of W: a centred line, separator or notice
EDGE_MARGIN = 0.025  # a bubble edge this close (fraction of W) to a bar is where the screenshot cut it
BACKGROUND_DIST = 9  # colour distance that still counts as the chat background (JPEG noise)


@dataclass
class Bubble:
    side: str  # "left" other party, "right" owner
    lines: list[Line]
    bbox: tuple[int, int, int, int]

    @property
    def text(self) -> str:
        return join_lines([ln.text for ln in self.lines])


@dataclass
class Separator:
    text: str
    bbox: tuple[int, int, int, int]


@dataclass
class Chat:
    title: str
    items: list = field(default_factory=list)  # Bubble | Separator, top to bottom
    notices: list[str] = field(default_factory=list)

    @property
    def bubbles(self) -> list[Bubble]:
        return [i for i in self.items if isinstance(i, Bubble)]


def join_lines(texts: list[str]) -> str:
    """Wrapped lines rejoined: Latin words and numbers wrap whole, so they get their space back."""
    out = ""
    for t in texts:
        if out and out[-1].isascii() and out[-1].isalnum() and t[:1].isascii() and t[:1].isalnum():
            out += " "
        out += t
    return out


_TITLE_NOISE = re.compile(r"^[<‹〈(（]+|[\s.…·]+$|[(（]\d+[)）]$")


def clean_title(text: str) -> str:
    """Drop the back arrow, the unread count "(3)" and the menu dots the title bar may add."""
    prev = None
    while prev != text:
        prev, text = text, _TITLE_NOISE.sub("", text).strip()
    return text


def rebuild(lines: list[Line], image) -> Chat:
    pixels = np.asarray(image.convert("RGB")).astype(np.int16)
    h, w = pixels.shape[:2]
    status_end, header_end, input_top = STATUS_END * w, HEADER_END * w, h - INPUT_H * w
    header = [ln for ln in lines if status_end <= ln.cy < header_end]
    title = ""
    if header:
        best = max(header, key=lambda ln: (round(ln.height / 4), -abs(ln.cx - w / 2)))
        title = clean_title(best.text)
    body = sorted((ln for ln in lines if header_end <= ln.cy < input_top and ln.text), key=lambda ln: (ln.y0, ln.x0))
    bg = _background(pixels, int(header_end), int(input_top))
    chat = Chat(title)
    current: list[Line] = []

    def close():
        if current:
            widest = max(current, key=lambda ln: ln.x1 - ln.x0)
            side = "left" if widest.x0 < w - widest.x1 else "right"
            bubble = _bubble(pixels, bg, side, list(current), header_end, input_top)
            if bubble is not None:
                chat.items.append(bubble)
            current.clear()

    for ln in body:
        centred = abs(ln.cx - w / 2) < CENTRED * w and abs(ln.x0 - (w - ln.x1)) < CENTRED * w
        if centred and chattime.is_separator(ln.text):
            close()
            chat.items.append(Separator(ln.text, _box(ln)))
            continue
        if current and _same_bubble(pixels, bg, current[-1], ln):
            current.append(ln)  # a wrapped bubble's last line may happen to sit centred
            continue
        close()
        if centred:
            chat.notices.append(ln.text)
        else:
            current.append(ln)
    close()
    return chat


def _box(ln: Line) -> tuple[int, int, int, int]:
    return int(ln.x0), int(ln.y0), int(round(ln.x1)), int(round(ln.y1))


def _background(pixels: np.ndarray, top: int, bottom: int) -> np.ndarray:
    """The chat background: the commonest colour of the chat area, on a coarse grid."""
    grid = pixels[top:bottom:7, ::7].reshape(-1, 3)
    quant = (grid // 4).astype(np.int32)
    keys = quant[:, 0] * 4096 + quant[:, 1] * 64 + quant[:, 2]
    values, counts = np.unique(keys, return_counts=True)
    mode = values[np.argmax(counts)]
    return np.median(grid[keys == mode], axis=0)


def _is_bg(color: np.ndarray, bg: np.ndarray) -> bool:
    return float(np.sqrt(((color - bg) ** 2).sum())) <= BACKGROUND_DIST


def _same_bubble(pixels: np.ndarray, bg: np.ndarray, a: Line, b: Line) -> bool:
    size = min(a.height, b.height)
    if b.y0 - a.y1 > 0.9 * size or abs(a.x0 - b.x0) > 0.6 * size:
        return False
    mid = int((a.y1 + max(b.y0, a.y1)) / 2)
    x0, x1 = int(max(a.x0, b.x0)), int(min(a.x1, b.x1))
    if x1 <= x0:
        return False
    row = pixels[max(0, mid - 1):mid + 2, x0:x1].reshape(-1, 3)
    return not _is_bg(np.median(row, axis=0), bg)


def _scan(pixels, bg, x: int, y: int, dx: int, dy: int, limit: int) -> int | None:
    """Steps from (x, y) until the chat background shows (3 pixels running), or None within limit."""
    h, w = pixels.shape[:2]
    run = 0
    for k in range(limit):
        xx, yy = x + dx * k, y + dy * k
        if not (0 <= xx < w and 0 <= yy < h):
            return None
        run = run + 1 if _is_bg(pixels[yy, xx], bg) else 0
        if run == 3:
            return k - 2
    return None


def _bubble(pixels, bg, side: str, lines: list[Line], header_end: float, input_top: float) -> Bubble | None:
    x0 = min(ln.x0 for ln in lines)
    y0 = min(ln.y0 for ln in lines)
    x1 = max(ln.x1 for ln in lines)
    y1 = max(ln.y1 for ln in lines)
    size = max(4, int(min(ln.height for ln in lines)))
    first, last = lines[0], lines[-1]
    h = pixels.shape[0]
    # Walk from the text out through the bubble's padding to its edges.
    col = max(0, int(x0) - max(2, size // 6))
    w = pixels.shape[1]
    edge = EDGE_MARGIN * w
    up = _scan(pixels, bg, col, int(first.cy), 0, -1, int(first.cy - header_end + edge))
    down = _scan(pixels, bg, col, int(last.cy), 0, 1, int(input_top - last.cy + edge))
    inside = not _is_bg(pixels[int(first.cy), col], bg)
    if inside and (up is None or down is None or first.cy - up < header_end + edge or last.cy + down > input_top - edge):
        return None  # the bubble runs into the bars: only part of it is on this screenshot
    if inside:
        top, bottom = int(first.cy) - up, int(last.cy) + down
        left_k = _scan(pixels, bg, int(x0), int(first.cy), -1, 0, 3 * size)
        right_k = _scan(pixels, bg, int(x1), int(first.cy), 1, 0, 3 * size)
        left = int(x0) - left_k if left_k is not None else int(x0) - size // 2
        right = int(x1) + right_k if right_k is not None else int(x1) + size // 2
    else:  # text straight on the background (no bubble drawn): the text's own box, padded
        if y0 - size < header_end + edge or y1 + size > input_top - edge:
            return None
        top, bottom, left, right = int(y0) - size // 3, int(y1) + size // 3, int(x0) - size // 3, int(x1) + size // 3
    return Bubble(side, lines, (max(0, left), max(0, top), min(w, right), min(h, bottom)))
