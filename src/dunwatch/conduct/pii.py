"""Personal-data detectors with validation: patterns stay loose, a checksum or a rule decides.

- Chinese resident ID (GB 11643-1999): 17 digits + check character, ISO 7064 MOD 11-2, with a
  real birth date.
- Bank cards: 13-19 digits (as written on cards: plain or in groups), Luhn check.
- Mobile numbers: China (1[3-9] + 9 digits, optional +86), NANP 10 digits, UK 07…, India [6-9]….
- US Social Security numbers: AAA-GG-SSSS without the never-issued areas 000, 666, 900-999.
- Addresses: Chinese administrative/street sequences, English "<number> <name> Street"; scored
  higher near a name or a residence word ("家住", "lives at").

Detectors run on `normalize.same_length` text, whose offsets are the original's. Each finding says
whether it exposes the recipient's or debtor's data (`exposes`): a card number given as the account
to pay into is personal data but not an exposure of the debtor.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from dunwatch.conduct import normalize as norm

_ID = re.compile(r"(?<![0-9])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9x](?![0-9])")
_NUMBER = re.compile(r"(?<![0-9])\+?[0-9](?:[0-9]|[ \-](?=[0-9])){8,24}(?![0-9])")
_SSN = re.compile(r"(?<![0-9-])(\d{3})-(\d{2})-(\d{4})(?![0-9-])")
_EMAIL = re.compile(r"[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}")
_TRIGGER = re.compile(r"[0-9@省市区县路街巷村]")
# What each family of detectors cannot match without (read off the patterns above): a digit of any
# script (\d) for IDs, SSNs, card/phone numbers and English addresses; "@" for e-mail; an
# administrative-division character for Chinese addresses. Skipping a family whose character is
# absent cannot change what is found; it saves running its patterns over most messages.
_ANY_DIGIT = re.compile(r"\d")
_ZH_DIVISION = re.compile(r"[省市区县州旗]")
_ZH_ADDRESS = re.compile(
    r"[\u4e00-\u9fff]{2,3}?(?:省|市|区|县|州|旗)[\u4e00-\u9fff0-9]{0,16}?"
    r"(?:路|街|巷|道|村|镇|乡|小区|花园|公寓|大厦|苑)"
    r"(?:[0-9一二三四五六七八九十百]+(?:号|栋|幢|单元|楼|室|组|层)|[\u4e00-\u9fff]{0,4}?(?:小区|花园|公寓|大厦|苑))*")
_EN_ADDRESS = re.compile(
    r"\b\d{1,5}\s+(?:[a-z0-9]+\s){1,3}(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|court|ct|way|place|pl|terrace|close)\b")
_RESIDENCE = re.compile(r"家住|住在|住址|你家|您家|地址|户籍|老家|lives? at|your address|home address|you live")
_PAYEE = re.compile(r"转账|转至|转到|汇款|汇至|打款|打到|收款|还款账户|对公|pay to|transfer to|send to|deposit to|remit to")
_EN_NAME = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10x98765432"


def id_checksum_ok(number: str) -> bool:
    """ISO 7064 MOD 11-2 check character of an 18-character resident ID (x or X for 10)."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].lower()


def _birth_date_ok(number: str) -> bool:
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today()


def luhn_ok(digits: str) -> bool:
    if not digits.isdigit() or len(digits) < 2:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _phone_type(digits: str) -> str | None:
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":
        return "cn_mobile"
    if len(digits) == 11 and digits.startswith("07"):
        return "uk_mobile"
    if len(digits) == 12 and digits.startswith("91") and digits[2] in "6789":
        return "in_mobile"
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    if len(digits) == 10 and digits[0] in "23456789" and digits[3] in "23456789":
        return "us_phone"
    if len(digits) == 10 and digits[0] in "6789":
        return "in_mobile"
    return None


@dataclass(frozen=True)
class Finding:
    type: str
    start: int
    end: int
    score: float
    detector: str
    exposes: bool

    def as_dict(self) -> dict:
        return {"type": self.type, "span": [self.start, self.end], "score": self.score, "detector": self.detector}


@lru_cache(maxsize=1)
def _surnames() -> frozenset[str]:
    return frozenset("".join(line for line in norm._data("surnames.txt").splitlines() if not line.startswith("#")).split())


def _near(pattern: re.Pattern, text: str, start: int, end: int, reach: int) -> bool:
    return pattern.search(text, max(0, start - reach), min(len(text), end + reach)) is not None


def _name_near(text: str, start: int, end: int, reach: int = 20) -> bool:
    names = _surnames()
    lo, hi = max(0, start - reach), min(len(text), end + reach)
    for i in range(lo, hi - 1):
        if (i < start or i >= end) and text[i] in names and "\u4e00" <= text[i + 1] <= "\u9fff":
            return True
    return False


def find(text: str, original: str | None = None) -> list[Finding]:
    """Personal data in `text` (already `same_length`-normalised); offsets are the original's."""
    if not _TRIGGER.search(text):
        return []
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    has_digit = _ANY_DIGIT.search(text) is not None
    for m in _ID.finditer(text) if has_digit else ():
        if id_checksum_ok(m.group()) and _birth_date_ok(m.group()):
            found.append(Finding("cn_resident_id", m.start(), m.end(), 0.95, "pii:cn_id_mod11_2", True))
            taken.append(m.span())
    for m in _SSN.finditer(text) if has_digit else ():
        area, group, serial = m.groups()
        if area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000" and free(*m.span()):
            found.append(Finding("us_ssn", m.start(), m.end(), 0.85, "pii:us_ssn", True))
            taken.append(m.span())
    for m in _NUMBER.finditer(text) if has_digit else ():
        if not free(*m.span()):
            continue
        raw = m.group()
        digits = raw.lstrip("+").replace(" ", "").replace("-", "")
        groups = re.split(r"[ \-]", raw)
        card_like = len(groups) == 1 or all(len(g) in (4, 5, 6) for g in groups[:-1])
        if 13 <= len(digits) <= 19 and card_like and not raw.startswith("+") and luhn_ok(digits):
            payee = _near(_PAYEE, text, m.start(), m.start(), 12)
            found.append(Finding("bank_card", m.start(), m.end(), 0.9, "pii:bank_card_luhn", not payee))
            taken.append(m.span())
            continue
        kind = _phone_type(digits)
        if kind:
            found.append(Finding("phone", m.start(), m.end(), 0.7, f"pii:{kind}", False))
            taken.append(m.span())
    for m in _EMAIL.finditer(text) if "@" in text else ():
        if free(*m.span()):
            found.append(Finding("email", m.start(), m.end(), 0.7, "pii:email", False))
    for m in _ZH_ADDRESS.finditer(text) if _ZH_DIVISION.search(text) else ():
        s, e = m.span()
        while s < e and text[s] in "住在家于是的址":  # "家住广东省…": the address starts at 广
            s += 1
        if not free(s, e) or not re.search(r"[0-9一二三四五六七八九十](?:号|栋|幢|单元|室|组|层)|村|小区|花园|公寓|大厦|苑", m.group()):
            continue
        residence = _near(_RESIDENCE, text, s, e, 8)
        named = _name_near(text, s, e)
        score = 0.9 if residence else 0.8 if named else 0.6
        found.append(Finding("address", s, e, score, "pii:zh_address", score >= 0.8))
    for m in _EN_ADDRESS.finditer(text) if has_digit else ():
        s, e = m.span()
        residence = _near(_RESIDENCE, text, s, e, 16)
        named = original is not None and _near(_EN_NAME, original, s, e, 30)
        score = 0.9 if residence else 0.8 if named else 0.6
        found.append(Finding("address", s, e, score, "pii:en_address", score >= 0.8))
    found.sort(key=lambda f: (f.start, f.end))
    return found
