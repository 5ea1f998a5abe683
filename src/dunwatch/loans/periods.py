"""Unit periods and how many of them lie between two dates.

Counting follows Regulation Z Appendix J (b)(3)–(b)(5) (research: intl-rules.md §3.2), because it
is the one published, exact day-count for loan rates: whole months are counted back from the
later date, leftover days count 1/30 of a month; weeks and days are actual days; a year unit
counts whole years, then months / 12 or days / 365. The same counting serves the compound (IRR)
method, so both methods see the same time axis and differ only in how a fraction accrues.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from dunwatch.errors import UserError
from dunwatch.i18n import t

UNITS = ("day", "week", "semimonth", "month", "year")
ALIASES = {"biweek": "2week", "quarter": "3month", "halfyear": "6month", "bimonth": "2month"}
# Standard intervals (Reg Z (b)(4)) in days, to round an average interval to the nearest one.
_STANDARD = (("day", 1, 1.0), ("week", 1, 7.0), ("week", 2, 14.0), ("semimonth", 1, 365 / 24),
             ("week", 4, 28.0), ("month", 1, 365 / 12), ("month", 2, 365 / 6), ("month", 3, 365 / 4),
             ("month", 6, 365 / 2), ("year", 1, 365.0))


@dataclass(frozen=True)
class Period:
    unit: str
    k: int = 1

    @property
    def name(self) -> str:
        return self.unit if self.k == 1 else f"{self.k}{self.unit}"

    @property
    def per_year(self) -> Fraction:
        base = {"day": 365, "week": 52, "semimonth": 24, "month": 12, "year": 1}[self.unit]
        return Fraction(base, self.k)

    @property
    def approx_days(self) -> float:
        return 365 / float(self.per_year)

    def length(self, start: date, end: date) -> Fraction:
        """Unit periods from `start` to `end` (end >= start), as an exact fraction."""
        days = (end - start).days
        if self.unit == "day":
            return Fraction(days, self.k)
        if self.unit == "week":
            return Fraction(days, 7 * self.k)
        if self.unit in ("month", "semimonth"):
            n = full_months(start, end)
            thirty = 30 * n + (months_back(end, n) - start).days
            return Fraction(thirty, 15 if self.unit == "semimonth" else 30 * self.k)
        years = full_months(start, end) // 12
        rest_from = months_back(end, 12 * years)
        months = full_months(start, rest_from)
        if months_back(rest_from, months) == start:
            return Fraction(years) + Fraction(months, 12)
        return Fraction(years) + Fraction((rest_from - start).days, 365)


def parse(text: str) -> Period:
    """`month`, `week`, `2week`, `quarter`, `15day`… (the CLI's --period)."""
    m = re.fullmatch(r"(\d*)(day|week|semimonth|month|year)", ALIASES.get(text, text))
    if not m or m.group(1) in ("0",) or (m.group(2) == "semimonth" and m.group(1) not in ("", "1")):
        raise UserError(t("loans.bad_period", value=text))
    return Period(m.group(2), int(m.group(1) or 1))


def _last_day(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def months_back(d: date, n: int) -> date:
    """The date n months before d; a month-end goes to the month-end (Reg Z (b)(5)(iii))."""
    y, m = divmod(d.year * 12 + d.month - 1 - n, 12)
    m += 1
    last = _last_day(y, m)
    day = last if d.day == _last_day(d.year, d.month) else min(d.day, last)
    return date(y, m, day)


def full_months(start: date, end: date) -> int:
    """Whole months counted back from `end` that do not pass `start`."""
    n = (end.year - start.year) * 12 + end.month - start.month
    while n > 0 and months_back(end, n) < start:
        n -= 1
    return max(n, 0)


def _classify(a: date, b: date) -> Period | None:
    for k in (1, 2, 3, 6, 12):
        if full_months(a, b) == k and months_back(b, k) == a:
            return Period("year") if k == 12 else Period("month", k)
    days = (b - a).days
    if days == 1:
        return Period("day")
    if days in (7, 14, 28):
        return Period("week", days // 7)
    if 13 <= days <= 16:
        return Period("semimonth")
    return None


def auto(dates: list[date]) -> Period:
    """The unit period Reg Z Appendix J (b)(4) would choose for flows on these (sorted, distinct) dates.

    One advance and one payment: the term itself (whole months up to a year, else days up to a
    year, else a year). Otherwise the most frequent standard interval between flows (ties go to
    the shorter); with none, the average interval rounded to the nearest standard one."""
    start, end = dates[0], dates[-1]
    if len(dates) == 2:
        months = full_months(start, end)
        if months <= 12 and months_back(end, months) == start and months > 0:
            return Period("year") if months == 12 else Period("month", months)
        days = (end - start).days
        return Period("day", days) if days <= 365 else Period("year")
    found = Counter(p for a, b in zip(dates, dates[1:]) if (p := _classify(a, b)))
    if found:
        best = max(found.values())
        return min((p for p, c in found.items() if c == best), key=lambda p: p.approx_days)
    average = (end - start).days / (len(dates) - 1)
    unit, k, _ = min(_STANDARD, key=lambda s: (abs(s[2] - average), s[2]))
    return Period(unit, k)
