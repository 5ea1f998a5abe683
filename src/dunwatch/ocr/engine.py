"""The OCR engine: RapidOCR (PP-OCRv4 Chinese/English models in ONNX, shipped inside the
`rapidocr-onnxruntime` wheel, so nothing is downloaded). Why this one and its figures: docs/ocr.md.

One engine per process: loading the models takes longer than reading a screenshot.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image

from dunwatch.errors import UserError
from dunwatch.i18n import register, t

register({
    "ocr.missing": ("未安装 OCR 引擎：请运行 pip install rapidocr-onnxruntime",
                    "no OCR engine installed: run pip install rapidocr-onnxruntime"),
})


@dataclass(frozen=True)
class Line:
    """One line of text as OCR found it, with its box in the image's pixels."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    score: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


class Engine:
    def __init__(self):
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError:
            raise UserError(t("ocr.missing")) from None
        threads = int(os.environ.get("DUNWATCH_OCR_THREADS") or len(os.sched_getaffinity(0)))
        self._ocr = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)

    def read(self, image: Image.Image) -> list[Line]:
        # Screenshots are upright: the angle classifier would only cost time.
        pixels = np.asarray(image.convert("RGB"))
        result, _ = self._ocr(pixels, use_cls=False, return_word_box=True)
        lines = []
        for item in result or ():
            box, text, score = item[0], item[1], float(item[2])
            xs, ys = [p[0] for p in box], [p[1] for p in box]
            x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
            if len(item) > 4 and item[3] and len(item[3]) == len(item[4]):
                text = _restore_spaces(pixels, (x0, y0, x1, y1), item[4], item[3])
            lines.append(Line(float(x0), float(y0), float(x1), float(y1), text.strip(), score))
        return lines


def _restore_spaces(pixels: np.ndarray, box: tuple, chars: list[str], boxes: list) -> str:
    """The recogniser often drops the space between Latin words ("Callmeat"). The pixels still
    show it: a run of ink-free columns wider than a fifth of the line's height. A space goes
    between two Latin letters or digits whose centres lie on either side of such a run."""
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    crop = pixels[max(0, y0):y1, max(0, x0):x1].astype(np.int16)
    if crop.size == 0:
        return "".join(chars)
    border = np.concatenate([crop[0], crop[-1], crop[:, 0], crop[:, -1]])
    paper = np.median(border, axis=0)
    ink = (np.abs(crop - paper).sum(axis=2) > 90).any(axis=0)
    cols = np.flatnonzero(ink)
    gaps = []
    if cols.size:
        steps = np.diff(cols)
        for k in np.flatnonzero(steps > max(3, 0.2 * (y1 - y0))):
            gaps.append(x0 + (cols[k] + cols[k + 1]) / 2)  # centre of the blank run
    out, prev_c = "", None
    for ch, b in zip(chars, boxes):
        c = (min(p[0] for p in b) + max(p[0] for p in b)) / 2
        if (prev_c is not None and out and out[-1].isascii() and out[-1].isalnum() and ch.isascii() and ch.isalnum()
                and any(prev_c < g < c for g in gaps)):
            out += " "
        out += ch
        prev_c = c
    return out


@lru_cache(maxsize=1)
def engine() -> Engine:
    return Engine()
