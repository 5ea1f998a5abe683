"""Source time conventions, converted once (sources: research/formats-and-anchors.md §1–2, §5.3).

- Android and SMS Backup `date`: milliseconds since the Unix epoch, UTC (AOSP CallLog/Telephony).
- Android `pdu.date` and SMS Backup MMS `date_sent`: seconds.
- iOS: Mac absolute time, seconds since 2001-01-01 UTC; sms.db holds nanoseconds on newer iOS
  (iLEAPP divides by 1e9 above 1e15; mvt truncates 18-digit values).
- Carrier bills: wall-clock strings in the subscriber's local time (the case's time zone).
"""

from __future__ import annotations

import re
from datetime import datetime

COCOA_EPOCH_S = 978_307_200
# Plausible phone-era bounds (1995-01-01 .. 2100-01-01 UTC, in ms): outside them a value is in
# the wrong unit or garbage, and importing it silently would misplace the event by decades.
_MIN_MS, _MAX_MS = 788_918_400_000, 4_102_444_800_000


def check_ms(ms: int) -> int | None:
    return ms if _MIN_MS <= ms < _MAX_MS else None


def ms_from_text(value: str | None) -> int | None:
    """Epoch milliseconds from a decimal string, or None when it is not one or not plausible."""
    try:
        return check_ms(int(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def ms_from_seconds(value) -> int | None:
    try:
        return check_ms(int(round(float(value) * 1000)))
    except (TypeError, ValueError, OverflowError):
        return None


def ms_from_cocoa(value) -> int | None:
    """Mac absolute time in seconds (float) or nanoseconds (integer above 1e15)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    if v != v:  # NaN
        return None
    if abs(v) > 1e15:
        v /= 1e9
    return ms_from_seconds(v + COCOA_EPOCH_S)


_LOCAL_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M",
                  "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日%H:%M:%S", "%Y%m%d%H%M%S", "%Y-%m-%dT%H:%M:%S",
                  "%Y.%m.%d %H:%M:%S")


def local_from_text(value: str) -> datetime | None:
    """A naive wall-clock time from the ways carrier bills write it."""
    s = re.sub(r"\s+", " ", (value or "").strip())
    for fmt in _LOCAL_FORMATS:
        try:
            return datetime.strptime(s, fmt)
        except ValueError:
            continue
    return None


_HMS_ZH = re.compile(r"(?:(\d+)\s*(?:小时|时))?\s*(?:(\d+)\s*分(?:钟)?)?\s*(?:(\d+)\s*秒)?")
_HMS_COLON = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{1,2})")


def seconds_from_text(value: str) -> int | None:
    """Call duration from '2分13秒', '1小时2分', '00:02:13', '02:13', '133' or '133秒'."""
    s = (value or "").strip()
    if not s:
        return None
    if s.isdigit():
        return int(s)
    m = _HMS_COLON.fullmatch(s)
    if m:
        h, mi, se = (int(x) if x else 0 for x in m.groups())
        return h * 3600 + mi * 60 + se
    m = _HMS_ZH.fullmatch(s)
    if m and any(m.groups()):
        h, mi, se = (int(x) if x else 0 for x in m.groups())
        return h * 3600 + mi * 60 + se
    return None
