"""Chat screenshots (PNG, JPEG, WebP) from WeChat, QQ or a phone's messages app: OCR → chat events.

The screenshot is the phone owner's (the debtor's): their bubbles are on the right, the other
party's on the left, and the title bar names the other party (a name or a number). Each bubble
becomes one `chat` event; its time comes from the app's time separator above it, read against the
screenshot's date (`import --shot-date`, else EXIF DateTimeOriginal, else a date in the file's
name as Android and WeChat write it, else the file's modification time). A bubble above the first
separator gets that separator's time as an upper bound (raw `at_precision` = `before`).

Several overlapping screenshots of one scrolling chat give each message once: a bubble already in
the case from another screenshot with the same party, side and text (spaces and punctuation
ignored) and a compatible time is not staged again. The locator is `msg[N] bbox=x0,y0,x1,y1`, the
bubble's rectangle in the original image's pixels (docs/formats.md), so a dossier can crop it.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dunwatch.errors import UserError
from dunwatch.i18n import register, t
from dunwatch.ingest.base import Reader, Sink
from dunwatch.ingest.staging import OWNER
from dunwatch.parties.numbers import normalize

register({
    "shot.unreadable": ("无法读取图片：{message}", "cannot read the image: {message}"),
    "shot.no_title": ("找不到聊天标题栏（对方名称或号码），这不像聊天截图", "no chat title bar (the other party's name or number) found: this does not look like a chat screenshot"),
    "shot.no_messages": ("截图中没有识别到聊天消息", "no chat messages recognised in the screenshot"),
    "shot.bad_date": ("--shot-date 的值 {value!r} 无效，应为 YYYY-MM-DD", "--shot-date {value!r} is not a date (YYYY-MM-DD)"),
    "shot.skipped": ("{n} 条消息已在其他截图中导入，未重复添加", "{n} message(s) already imported from another screenshot were not added again"),
})

NAME = "chat-screenshot"
_EXIF_IFD, _DATETIME_ORIGINAL, _DATETIME = 0x8769, 36867, 306
# Screenshot_20260305-214700.png, Screenshot_2026-03-05-21-47-00-123_com.tencent.mm.jpg,
# 微信图片_20260305214700.jpg, IMG_20260305_214700.jpg
_NAME_TIME = re.compile(r"(?<!\d)(20\d{2})[-_.]?([01]\d)[-_.]?([0-3]\d)[-_ ]?([0-2]\d)[-_.:]?([0-5]\d)[-_.:]?([0-5]\d)(?!\d)")
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


class ChatScreenshot(Reader):
    name = NAME
    reads = {"zh-CN": "聊天截图（微信、QQ、短信；PNG/JPEG/WebP，离线文字识别）",
             "en": "Chat screenshots (WeChat, QQ, SMS; PNG/JPEG/WebP, offline OCR)"}
    extensions = (".png", ".jpg", ".jpeg", ".webp")
    source = "RapidOCR PP-OCRv4 (docs/ocr.md); layout of WeChat, QQ and iOS/Android Messages"

    def sniff(self, path: Path, head: bytes) -> bool:
        return head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")

    def read(self, path: Path, sink: Sink) -> None:
        from PIL import Image

        from dunwatch.ocr import chattime
        from dunwatch.ocr.engine import engine
        from dunwatch.ocr.layout import Bubble, rebuild

        try:
            with Image.open(path) as im:
                im.load()
                image = im.convert("RGB")
                shot, source = shot_time(path, im, sink)
        except (OSError, Image.DecompressionBombError, SyntaxError) as e:
            raise UserError(t("shot.unreadable", message=str(e).splitlines()[0]), path) from None
        chat = rebuild(engine().read(image), image)
        if not chat.title:
            raise UserError(t("shot.no_title"), path)
        if not chat.bubbles:
            raise UserError(t("shot.no_messages"), path)

        times = [chattime.parse(i.text, shot.date()) for i in chat.items]
        first = next((tm for tm in times if tm is not None), None)
        current, sep_text = ((first[0], "before") if first else (shot, "before")), ""
        tz = ZoneInfo(sink.tz)
        party_key = normalize(chat.title, sink.region) or chat.title
        existing = _existing(sink, party_key)
        seen: dict[tuple, int] = {}
        skipped = 0
        for n, (item, tm) in enumerate(zip(chat.items, times), 1):
            if not isinstance(item, Bubble):
                if tm is not None:
                    current, sep_text = tm, item.text
                continue
            at, precision = current
            text, norm = item.text, norm_text(item.text)
            at_iso = sink.local_iso(at.replace(tzinfo=tz))
            if _claim(existing, item.side, norm, at_iso, precision):
                skipped += 1
                continue
            key = (party_key, item.side, at_iso, norm)
            seen[key] = seen.get(key, 0) + 1
            ident = "chat:" + hashlib.md5("\x1f".join([*key, str(seen[key])]).encode()).hexdigest()[:16]
            x0, y0, x1, y1 = item.bbox
            raw = {"chat": chat.title, "chat_key": party_key, "side": item.side, "norm": norm, "at_precision": precision,
                   "separator": sep_text, "shot_time": shot.isoformat(timespec="seconds"), "shot_time_source": source,
                   "lines": [[ln.text, round(ln.x0), round(ln.y0), round(ln.x1), round(ln.y1), round(ln.score, 3)]
                             for ln in item.lines]}
            left = item.side == "left"
            sink.event(kind="chat", from_party=chat.title if left else OWNER, to_party=OWNER if left else chat.title,
                       at=at_iso, text=text, id=ident, raw=raw, locator=f"msg[{n}] bbox={x0},{y0},{x1},{y1}")
        if skipped:
            sink.notes.append(t("shot.skipped", n=skipped))


def norm_text(text: str) -> str:
    """The text as two OCR readings of one bubble agree on: NFKC, no spaces or punctuation, lower case."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text)).lower()


def shot_time(path: Path, image, sink: Sink) -> tuple[datetime, str]:
    """When the screenshot was taken, as naive local time in the case's zone, and where that came from."""
    given = sink.options.get("shot_date")
    if given:
        try:
            value = datetime.fromisoformat(str(given))
        except ValueError:
            raise UserError(t("shot.bad_date", value=given), path) from None
        if len(str(given)) <= 10:  # a day alone: the end of it, so that "today" separators stay on it
            value = value.replace(hour=23, minute=59, second=59)
        return value.replace(tzinfo=None), "option"
    try:
        exif = image.getexif()
        stamp = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    except Exception:  # noqa: BLE001 — a damaged EXIF block is no reason to refuse the image
        stamp = None
    if stamp:
        try:
            return datetime.strptime(str(stamp).strip("\x00 "), "%Y:%m:%d %H:%M:%S"), "exif"
        except ValueError:
            pass
    m = _NAME_TIME.search(path.name)
    if m:
        try:
            return datetime(*(int(g) for g in m.groups())), "file name"
        except ValueError:
            pass
    mtime = datetime.fromtimestamp(path.stat().st_mtime, ZoneInfo(sink.tz))
    return mtime.replace(tzinfo=None), "file time"


def _existing(sink: Sink, party_key: str) -> list[dict]:
    """Messages of this chat already in the case from screenshots (the case's and this import's)."""
    rows = sink.con.execute(
        """SELECT "at", raw FROM events WHERE kind = 'chat' AND evidence IN
             (SELECT sha256 FROM evidence WHERE reader = ?)""", [NAME]).fetchall()
    out = []
    for at, raw in rows:
        r = json.loads(raw or "{}")
        if r.get("chat_key") == party_key:
            out.append({"at": at, "side": r.get("side"), "norm": r.get("norm"), "precision": r.get("at_precision"),
                        "used": False})
    return out


def _claim(existing: list[dict], side: str, norm: str, at_iso: str, precision: str) -> bool:
    """Whether one not yet matched message already in the case is this bubble; marks it matched."""
    for e in existing:
        if e["used"] or e["side"] != side or e["norm"] != norm:
            continue
        if _compatible(e["at"], e["precision"], at_iso, precision):
            e["used"] = True
            return True
    return False


def _compatible(a: str, pa: str, b: str, pb: str) -> bool:
    ta, tb = datetime.fromisoformat(a), datetime.fromisoformat(b)
    if pa == "before" or pb == "before":  # an upper bound only: the other must not be later
        return (tb <= ta) if pa == "before" and pb != "before" else (ta <= tb) if pb == "before" and pa != "before" else True
    if pa == "day" or pb == "day":
        return ta.date() == tb.date()
    return ta == tb
