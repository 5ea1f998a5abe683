"""Chat-screenshot OCR: character accuracy, message-split accuracy and seconds per image, on
screenshots rendered in the styles of WeChat, SMS and QQ (as sent, JPEG-recompressed, halved).

dunwatch (RapidOCR + layout rebuilding) beside two baselines measured in the same run:
- raw lines: the same OCR output without the layout step (each OCR line taken as a message, its
  side by position), which is what a plain OCR dump gives;
- tesseract: Debian's tesseract 5 with chi_sim+eng, lines as messages (only if installed).
Character accuracy = 1 − edit distance / length over the conversation's text (spaces ignored);
message-split accuracy = messages rebuilt with the right side and ≥ 90% of their characters,
in order, over max(expected, found).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests"))
from common import line  # noqa: E402

from ocr_support import ITEMS, TITLES, char_accuracy  # noqa: E402


def split_accuracy(want: list[tuple[str, str]], got: list[tuple[str, str]]) -> float:
    hits, j = 0, 0
    for side, text in want:
        for k in range(j, len(got)):
            if got[k][0] == side and char_accuracy(text, got[k][1]) >= 0.9:
                hits, j = hits + 1, k + 1
                break
    return hits / max(len(want), len(got), 1)


def _raw_messages(lines, width: float, height: float) -> list[tuple[str, str]]:
    from dunwatch.ocr import chattime
    from dunwatch.ocr.layout import HEADER_END, INPUT_H

    body = [ln for ln in lines if HEADER_END * width <= ln.cy < height - INPUT_H * width and not chattime.is_separator(ln.text)]
    return [("left" if ln.x0 < width - ln.x1 else "right", ln.text) for ln in sorted(body, key=lambda ln: ln.y0)]


def _tesseract(path: Path):
    from dunwatch.ocr.engine import Line

    out = subprocess.run(["tesseract", str(path), "stdout", "-l", "chi_sim+eng", "--psm", "3", "tsv"],
                         capture_output=True, text=True, check=True).stdout.splitlines()[1:]
    rows: dict = {}
    for r in out:
        f = r.split("\t")
        if len(f) < 12 or not f[11].strip():
            continue
        key = (f[2], f[3], f[4])
        x, y, w, h = map(int, f[6:10])
        x0, y0, x1, y1, text = rows.get(key, (x, y, x + w, y + h, ""))
        rows[key] = (min(x0, x), min(y0, y), max(x1, x + w), max(y1, y + h), text + f[11])
    return [Line(*r[:4], r[4], 1.0) for r in rows.values()]


def main() -> None:
    from dunwatch.ocr.engine import engine
    from dunwatch.ocr.layout import rebuild
    from dunwatch.ocr.synthetic import Msg, degrade, render

    eng = engine()
    has_tess = shutil.which("tesseract") is not None
    totals = {k: [0.0, 0.0, 0.0, 0] for k in ("dunwatch", "raw", "tesseract")}
    with tempfile.TemporaryDirectory() as tmp:
        for style in ("wechat", "sms", "qq"):
            image, truth = render(style, TITLES[style], ITEMS)
            want = [(i.side, i.text) for i, _ in truth.items if isinstance(i, Msg)]
            all_text = "".join(t for _, t in want)
            for variant in ("original", "jpeg", "small"):
                img = image if variant == "original" else degrade(image, variant)
                t0 = time.perf_counter()
                lines = eng.read(img)
                t_ocr = time.perf_counter() - t0
                chat = rebuild(lines, img)
                t_all = time.perf_counter() - t0
                got = [(b.side, b.text) for b in chat.bubbles]
                raw = _raw_messages(lines, img.width, img.height)
                for name, msgs, secs in (("dunwatch", got, t_all), ("raw", raw, t_ocr)):
                    acc = totals[name]
                    acc[0] += char_accuracy(all_text, "".join(t for _, t in msgs))
                    acc[1] += split_accuracy(want, msgs)
                    acc[2] += secs
                    acc[3] += 1
                if has_tess:
                    path = Path(tmp) / f"{style}-{variant}.png"
                    img.save(path)
                    t0 = time.perf_counter()
                    tl = _tesseract(path)
                    secs = time.perf_counter() - t0
                    msgs = _raw_messages(tl, img.width, img.height)
                    acc = totals["tesseract"]
                    acc[0] += char_accuracy(all_text, "".join(t for _, t in msgs))
                    acc[1] += split_accuracy(want, msgs)
                    acc[2] += secs
                    acc[3] += 1
    d, r, t = totals["dunwatch"], totals["raw"], totals["tesseract"]
    n = d[3]
    line("ocr character accuracy (%)", 100 * d[0] / n, "%", 100 * r[0] / n, "raw OCR lines")
    line("ocr message-split accuracy (%)", 100 * d[1] / n, "%", 100 * r[1] / n, "raw OCR lines")
    line("ocr seconds per image (OCR + layout)", d[2] / n, "s", r[2] / n, "OCR alone")
    if t[3]:
        line("tesseract chi_sim character accuracy (%)", 100 * t[0] / t[3], "%", 100 * d[0] / n, "dunwatch")
        line("tesseract chi_sim message-split accuracy (%)", 100 * t[1] / t[3], "%", 100 * d[1] / n, "dunwatch")
        line("tesseract chi_sim seconds per image", t[2] / t[3], "s", d[2] / n, "dunwatch")
    else:
        print("tesseract not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim): no tesseract figures")
    print(f"images: {n} (WeChat, SMS, QQ × as sent, JPEG q55, half size)")


if __name__ == "__main__":
    main()
