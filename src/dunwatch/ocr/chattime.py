"""The time separators chat apps draw between messages, read relative to the screenshot's date.

WeChat, QQ and phone SMS apps write the time of the next messages as `21:47` (today), `昨天 21:47`,
`星期四 21:47` (within the last week), `3月5日 21:47` or `3月5日 星期四` (this year), and
`2025年3月5日 21:47` (earlier years), sometimes with 上午/下午 and a 12-hour clock; English phones
write `Yesterday 9:47 PM`, `Thu 21:47`. OCR drops the space and may read the colon as `：`.
A separator without a clock time gives the day only (precision `day`).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_WEEKDAYS = {**{c: i for i, c in enumerate("一二三四五六")}, "日": 6, "天": 6}
_EN_WEEKDAYS = {n: i for i, n in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}
_EN_MONTHS = {n: i for i, n in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_PM = ("下午", "晚上", "傍晚", "pm")
_AM = ("上午", "凌晨", "早上", "早晨", "am")

_CLOCK = r"(?:(?P<ampm>上午|下午|晚上|凌晨|中午|早上|早晨|傍晚|am|pm)\s*)?(?P<h>\d{1,2})\s*[:：]\s*(?P<m>\d{2})(?:\s*(?P<ampm2>am|pm))?"
_DAY = (r"(?:(?P<rel>今天|昨天|前天|today|yesterday)"
        r"|(?:(?P<y>\d{4})\s*年\s*)?(?P<mo>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
        r"|(?P<iy>\d{4})[-/.](?P<imo>\d{1,2})[-/.](?P<id>\d{1,2})"
        r"|(?P<emon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*(?P<ed>\d{1,2})(?:\s*,\s*(?P<ey>\d{4}))?)")
_WEEK = r"(?:(?:星期|周|礼拜)(?P<wd>[一二三四五六日天])|(?P<ewd>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?)"
_SEPARATOR = re.compile(rf"\s*(?:{_DAY})?\s*,?\s*(?:{_WEEK})?\s*,?\s*(?:{_CLOCK})?\s*", re.IGNORECASE)


def parse(text: str, shot: date) -> tuple[datetime, str] | None:
    """(local wall-clock time, precision "minute" or "day"), or None if text is not a separator."""
    m = _SEPARATOR.fullmatch(text)
    if not m or not text.strip():
        return None
    g = {k: (v.lower() if isinstance(v, str) else v) for k, v in m.groupdict().items()}
    has_day = g["rel"] or g["mo"] or g["imo"] or g["emon"]
    has_week = g["wd"] or g["ewd"]
    if g["h"] is None and not has_day:
        return None  # a bare weekday is not a separator (and a bare 星期四 in a message must not be)
    try:
        day = _day(g, shot, has_day, has_week)
        if day is None:
            return None
        if g["h"] is None:
            return datetime(day.year, day.month, day.day), "day"
        hour, minute = int(g["h"]), int(g["m"])
        ampm = g["ampm"] or g["ampm2"]
        if ampm in _PM and hour < 12:
            hour += 12
        elif ampm in _AM and hour == 12:
            hour = 0
        elif ampm == "中午" and hour < 6:
            hour += 12
        return datetime(day.year, day.month, day.day, hour, minute), "minute"
    except ValueError:  # 13月40日, 25:61: OCR noise or not a time
        return None


def is_separator(text: str) -> bool:
    """Whether text reads as a separator at all (any date will do to tell)."""
    return parse(text, date(2026, 1, 15)) is not None


def _day(g: dict, shot: date, has_day, has_week) -> date | None:
    if g["rel"]:
        back = {"今天": 0, "today": 0, "昨天": 1, "yesterday": 1, "前天": 2}[g["rel"]]
        return shot - timedelta(days=back)
    if g["mo"] or g["emon"]:
        month = int(g["mo"]) if g["mo"] else _EN_MONTHS[g["emon"][:3]]
        d = int(g["d"] or g["ed"])
        year = g["y"] or g["ey"]
        if year:
            return date(int(year), month, d)
        guess = date(shot.year, month, d)
        # Apps leave out the year for dates of the current year; one after the shot is last year's.
        return guess if guess <= shot else date(shot.year - 1, month, d)
    if g["imo"]:
        return date(int(g["iy"]), int(g["imo"]), int(g["id"]))
    if has_week:
        target = _WEEKDAYS[g["wd"]] if g["wd"] else _EN_WEEKDAYS[g["ewd"][:3]]
        back = (shot.weekday() - target) % 7 or 7  # a weekday name means within the past week, not today
        return shot - timedelta(days=back)
    return shot  # a bare clock time is today's
