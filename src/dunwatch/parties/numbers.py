"""Phone-number normalisation to E.164, keeping unparseable values (short codes, handles) as-is."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

_SEPARATORS = re.compile(r"[\s\-().]")


@lru_cache(maxsize=200_000)
def normalize(raw: str, region: str) -> str:
    """E.164 for a phone number; the cleaned raw value for anything else (e-mail, handle, code)."""
    s = (raw or "").strip()
    if not s:
        return ""
    compact = _SEPARATORS.sub("", s)
    if not re.fullmatch(r"\+?\d{3,20}", compact):
        return s
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    try:
        num = phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException:
        return compact
    if phonenumbers.is_possible_number(num):
        return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    return compact
