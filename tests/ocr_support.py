"""Shared for the OCR tests and bench: one rendered conversation, its truth, and a cache so each
image is read by the (shared) OCR engine once per session."""

from __future__ import annotations

from datetime import datetime

from text_metrics import edit_distance

from dunwatch.ocr.synthetic import Msg, Sep

SHOT_DATE = "2026-03-07"  # a Saturday: 昨天 is Friday the 6th, 3月5日 星期四 is the Thursday before
TITLES = {"wechat": "张经理", "sms": "+86 171 0000 0011", "qq": "XX金融王专员"}

ITEMS = [
    Sep("3月5日 星期四"),
    Msg("left", "你好，请问是李明本人吗？"),
    Msg("right", "是我，什么事"),
    Sep("昨天 21:47"),
    Msg("left", "你好，我是XX金融的催收专员，你的借款已经逾期15天了，今天必须还款3000元，否则我们将联系你的家人和单位。"),
    Msg("right", "我知道了，这个月工资发了就还"),
    Sep("今天 09:15"),
    Msg("left", "再不还款就上门，通知你通讯录所有人"),
    Msg("left", "Call me at 13800138000 now"),
    Msg("right", "好"),
]
# When each message was sent, as the separators above it say (a day alone for 3月5日 星期四).
EXPECTED_AT = [datetime(2026, 3, 5), datetime(2026, 3, 5), datetime(2026, 3, 6, 21, 47), datetime(2026, 3, 6, 21, 47),
               datetime(2026, 3, 7, 9, 15), datetime(2026, 3, 7, 9, 15), datetime(2026, 3, 7, 9, 15)]

LONG_CHAT = [Sep("3月2日 星期一")] + [
    Msg("left" if i % 3 else "right", text) for i, text in enumerate([
        "李先生，你在平台的借款今天到期，请按时还款。", "我这两天手头紧，能不能宽限一周？", "不行，今天下午5点前必须还清。",
        "我真的没有钱，下周发工资就还。", "你不还我们就打给你的紧急联系人。", "请不要打扰我的家人，他们和借款没有关系。"])
] + [Sep("昨天 22:10")] + [
    Msg("left" if i % 2 == 0 else "right", text) for i, text in enumerate([
        "已经逾期了，你的征信马上就花了。", "我明天先还500元可以吗？", "500不够，至少还一半1500元。",
        "我去借一下试试。", "明天中午12点前看不到钱，我们会去你单位找你。", "请你们按规定催收。",
        "规定？欠钱不还还有理了？", "我会还的，请给我一点时间。"])
] + [Sep("今天 08:30"), Msg("left", "钱呢？再不还就把你的照片发到通讯录群里。"), Msg("right", "我已经向监管部门投诉了。")]

_cache: dict = {}


def char_accuracy(expected: str, got: str) -> float:
    """1 − edit distance / length of the expected text (spaces ignored: OCR may drop them)."""
    a, b = expected.replace(" ", ""), got.replace(" ", "")
    return max(0.0, 1 - edit_distance(a, b) / max(1, len(a)))


def read_chat(image):
    """OCR + layout of an image, once per image per session."""
    key = id(image)
    if key not in _cache:
        from dunwatch.ocr.engine import engine
        from dunwatch.ocr.layout import rebuild

        _cache[key] = (image, rebuild(engine().read(image), image))
    return _cache[key][1]
