"""Rendered chat screenshots (WeChat, SMS, QQ; as sent and degraded) rebuilt into conversations.

Real RapidOCR on images drawn with a Debian CJK font (fonts-wqy-zenhei); each image is read once
(tests/ocr_support.py caches the rebuilt chat) so the module stays within its time budget.
"""

from __future__ import annotations

import pytest

from dunwatch.ocr.layout import Bubble, Separator
from dunwatch.ocr.synthetic import Msg, Sep, degrade, render

from ocr_support import ITEMS, TITLES, char_accuracy, read_chat

_images: dict = {}


def shot(style: str, variant: str):
    if (style, variant) not in _images:
        image, truth = render(style, TITLES[style], ITEMS)
        _images[(style, variant)] = (image if variant == "original" else degrade(image, variant), truth)
    return _images[(style, variant)]


CASES = [(s, v) for s in ("wechat", "sms", "qq") for v in ("original", "jpeg", "small")]


@pytest.mark.parametrize("style, variant", CASES)
def test_conversation_rebuilt(style, variant):
    image, truth = shot(style, variant)
    chat = read_chat(image)
    assert chat.title.replace(" ", "") == TITLES[style].replace(" ", "")
    want = [(i.side, i.text) for i, _ in truth.items if isinstance(i, Msg)]
    got = [(b.side, b.text) for b in chat.bubbles]
    assert [s for s, _ in got] == [s for s, _ in want], got  # every bubble found once, on its side
    for (_, w), (_, g) in zip(want, got):
        # As sent the text must come back exactly (bar spaces); degraded copies may lose a character.
        assert char_accuracy(w, g) >= (1.0 if variant == "original" else 0.95), (w, g)
    seps = [i.text.replace(" ", "") for i in chat.items if isinstance(i, Separator)]
    assert seps == [i.text.replace(" ", "") for i in ITEMS if isinstance(i, Sep)]


@pytest.mark.parametrize("style, variant", [("wechat", "original"), ("sms", "small"), ("qq", "jpeg")])
def test_bubble_regions_cover_the_bubbles(style, variant):
    image, truth = shot(style, variant)
    scale = image.width / 1080
    boxes = [tuple(v * scale for v in box) for i, box in truth.items if isinstance(i, Msg)]
    for bubble, want in zip(read_chat(image).bubbles, boxes):
        assert _iou(bubble.bbox, want) > 0.8, (bubble.text, bubble.bbox, want)


def test_other_side_and_owner_in_order():
    chat = read_chat(shot("wechat", "original")[0])
    items = [("sep" if isinstance(i, Separator) else i.side) for i in chat.items]
    assert items == ["sep", "left", "right", "sep", "left", "right", "sep", "left", "left", "right"]
    wrapped = chat.bubbles[2]
    assert isinstance(wrapped, Bubble) and len(wrapped.lines) >= 4  # one bubble, many lines, merged


def _iou(a, b) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0
