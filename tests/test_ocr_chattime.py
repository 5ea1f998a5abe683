"""Chat apps' time separators, read against the screenshot's date."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, strategies as st

from dunwatch.ocr.chattime import is_separator, parse

SHOT = date(2026, 3, 6)  # a Friday


@pytest.mark.parametrize("text, at, precision", [
    ("21:47", datetime(2026, 3, 6, 21, 47), "minute"),
    ("今天 09:15", datetime(2026, 3, 6, 9, 15), "minute"),
    ("今天09：15", datetime(2026, 3, 6, 9, 15), "minute"),  # OCR drops the space, reads a full-width colon
    ("昨天 21:47", datetime(2026, 3, 5, 21, 47), "minute"),
    ("前天 08:00", datetime(2026, 3, 4, 8, 0), "minute"),
    ("星期四 21:47", datetime(2026, 3, 5, 21, 47), "minute"),
    ("周五 10:00", datetime(2026, 2, 27, 10, 0), "minute"),  # a weekday name is the past week, not today
    ("3月5日 星期四", datetime(2026, 3, 5), "day"),
    ("3月5日 21:47", datetime(2026, 3, 5, 21, 47), "minute"),
    ("12月31日 23:59", datetime(2025, 12, 31, 23, 59), "minute"),  # a later month-day is last year's
    ("2026年3月5日", datetime(2026, 3, 5), "day"),
    ("2025年3月5日 下午9:47", datetime(2025, 3, 5, 21, 47), "minute"),
    ("上午12:30", datetime(2026, 3, 6, 0, 30), "minute"),
    ("晚上 8:05", datetime(2026, 3, 6, 20, 5), "minute"),
    ("Yesterday 9:47 PM", datetime(2026, 3, 5, 21, 47), "minute"),
    ("Thu 21:47", datetime(2026, 3, 5, 21, 47), "minute"),
    ("Mar 5, 2026 9:00 AM", datetime(2026, 3, 5, 9, 0), "minute"),
])
def test_separators(text, at, precision):
    assert parse(text, SHOT) == (at, precision)


@pytest.mark.parametrize("text", ["你好", "星期四", "还款3000元", "25:61", "13月40日", "明天 10:00 前还款", "", "Call me at 9"])
def test_not_separators(text):
    assert parse(text, SHOT) is None
    assert not is_separator(text)


@given(st.dates(min_value=date(2000, 1, 8), max_value=date(2090, 12, 31)), st.integers(0, 23), st.integers(0, 59))
def test_relative_days_land_on_or_before_the_shot(shot, h, m):
    clock = f"{h}:{m:02d}"
    assert parse(f"今天 {clock}", shot) == (datetime(shot.year, shot.month, shot.day, h, m), "minute")
    y = shot - timedelta(days=1)
    assert parse(f"昨天 {clock}", shot) == (datetime(y.year, y.month, y.day, h, m), "minute")
    for wd in "一二三四五六日":
        got, _ = parse(f"星期{wd} {clock}", shot)
        assert shot - timedelta(days=7) <= got.date() < shot
        assert got.weekday() == "一二三四五六日".index(wd)
