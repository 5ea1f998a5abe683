"""Cases for the report tests: the bundled synthetic demo case taken through classify and check.

`dunwatch classify` (conduct labels into the case) is not a command yet; `label_case` writes the
labels the real classifier (dunwatch.conduct.classify) gives, under a ledger entry, as that command
will. The screenshot importer (OCR) is not in place either; `add_screenshot` stores a real PNG as
evidence and an event whose locator names the text's region (`bbox=`), as that importer will.
"""

from __future__ import annotations

import json
from pathlib import Path

from dunwatch.case import Case
from dunwatch.case import evidence as store
from dunwatch.demo.run import run_demo
from dunwatch.rules import check_case

SCREENSHOT_TEXT = "明天带人到你单位，打断你的腿。"


def label_case(case: Case) -> int:
    from dunwatch.conduct.classify import classify_many

    items = case.con.execute("SELECT id, text FROM events WHERE text <> '' ORDER BY entry, ord").fetchall()
    rows = []
    for r in classify_many(items):
        for lab in r["labels"]:
            rows.append([r["id"], lab["label"], lab["score"], json.dumps(lab["spans"]), lab["detector"]])
    with case.transaction():
        seq = case.next_seq()
        if rows:
            case.con.executemany("INSERT INTO labels VALUES (?, ?, ?, ?, ?, ?)", [[*r, seq] for r in rows])
        case.record(seq, "classify", {"events": len(items)})
    return len(rows)


def screenshot_png(text: str = SCREENSHOT_TEXT) -> tuple[bytes, tuple[int, int, int, int]]:
    """A phone-chat-like screenshot with `text` in a bubble; returns the PNG and the bubble's box."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    from dunwatch.report.render import cjk_font

    im = Image.new("RGB", (540, 960), (237, 237, 237))
    d = ImageDraw.Draw(im)
    d.rectangle((0, 0, 540, 80), fill=(40, 40, 40))
    font = ImageFont.truetype(str(cjk_font()), 26)
    box = (30, 300, 510, 380)
    d.rounded_rectangle(box, 12, fill=(255, 255, 255))
    d.text((box[0] + 18, box[1] + 24), text, font=font, fill=(0, 0, 0))
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue(), box


def add_screenshot(case: Case, event_id: str = "shot-0001", at: str = "2026-03-05T13:20:00+08:00",
                   frm: str = "+8617100000012", to: str = "+8613800000001") -> str:
    png, box = screenshot_png()
    created: list[Path] = []
    sha, _ = store.store_bytes(case.path, png, created)
    with case.transaction():
        seq = case.next_seq()
        case.con.execute("INSERT INTO evidence VALUES (?, ?, ?, ?, NULL, NULL, ?)", [sha, len(png), "wechat-chat.png", "screenshot", seq])
        utc = case.con.execute("SELECT timezone('UTC', CAST(? AS TIMESTAMPTZ))", [at]).fetchone()[0]
        case.con.execute(
            "INSERT INTO events VALUES (?, 'chat', ?, ?, ?, '', '', ?, 'loan-demo-1', ?, NULL, ?, ?, ?, ?, 1, ?, '{}')",
            [event_id, frm, to, at, SCREENSHOT_TEXT, utc, frm, to, sha, f"image bbox={box[0]},{box[1]},{box[2]},{box[3]}", seq])
        case.record(seq, "import", {"evidence": sha, "name": "wechat-chat.png", "reader": "screenshot"})
    return sha


def demo_case(path: Path, screenshot: bool = True, check: bool = True) -> Path:
    for _ in run_demo(path):
        pass
    with Case.open(path) as case:
        if screenshot:
            add_screenshot(case)
        label_case(case)
        if check:
            check_case(case)
    return path
