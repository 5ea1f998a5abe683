"""Phone-number normalisation to E.164, keeping values that are not numbers (handles, e-mail) as-is.

The raw value is never replaced: events keep `from_party`/`to_party` as written and store this
normal form beside it (`from_e164`, `to_e164`); parties keep `party` and `party_e164`.

How Chinese writings are handled, and why:
- `+86…`, `0086…`, `86…`: country code, by libphonenumber.
- IP-dialling prefixes (17951, 17911, 17909, 12593, 11808…) are stripped by libphonenumber's CN
  metadata itself (`national_prefix_for_parsing` = `(1(?:[12]\\d|79)\\d\\d)|0`), so
  `17951 138 0013 8000` and `12593 010 1234 5678` become the numbers that were dialled.
- Landlines with an area code (`010-12345678`, `0755 1234 5678`) are valid CN numbers → E.164.
  A landline written without its area code (`12345678`) cannot be placed: kept as written.
- Numbers that exist only inside China — 95xxx/96xxx service lines, 1xxxx short codes such as
  10086 or 12345, and 106… SMS gateways that platforms send from — cannot be dialled as E.164, so
  their national digits are the normal form (`+86 95588` and `95588` both give `95588`).
- 400/800 numbers are valid E.164 (`+864008123123`).
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

_SEPARATORS = re.compile(r"[\s\-().\u00a0\u3000]")
_NUMERIC = re.compile(r"\+?\d{3,24}")
# National-only numbers in China (see the module docstring): service lines, short codes, SMS gateways.
_CN_NATIONAL_ONLY = re.compile(r"9[56]\d{3,6}|1\d{2,4}|106\d{3,17}")
# An IP-dialling prefix (libphonenumber's CN carrier-code pattern) before a full mobile number, a
# landline with its trunk 0, or an international 00 number; never matches a plain 11-digit mobile.
_CN_IP_PREFIX = re.compile(r"1(?:[12]\d|79)\d\d(?=1\d{10}$|0[1-9]\d{8,10}$|00\d{6,})")


# Chinese mobile numbers, by far the most common value: what the general path below returns for them
# (valid, or possible with 11 national digits, either way E.164), without libphonenumber's ~30 µs.
_CN_MOBILE_E164 = re.compile(r"\+861[3-9]\d{9}")
_CN_MOBILE_NATIONAL = re.compile(r"1[3-9]\d{9}")


@lru_cache(maxsize=200_000)
def normalize(raw: str, region: str) -> str:
    """E.164 for a phone number; national digits for CN service numbers; the cleaned raw value otherwise."""
    s = (raw or "").strip()
    if not s:
        return ""
    if _CN_MOBILE_E164.fullmatch(s):
        return s
    if region == "CN" and _CN_MOBILE_NATIONAL.fullmatch(s):
        return "+86" + s
    compact = _SEPARATORS.sub("", s)
    if not _NUMERIC.fullmatch(compact):
        return s
    if region == "CN" and not compact.startswith("+"):
        compact = _CN_IP_PREFIX.sub("", compact, count=1)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    national = _cn_national(compact, region)
    if national is not None and _CN_NATIONAL_ONLY.fullmatch(national):
        return national
    try:
        num = phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException:
        return compact
    if phonenumbers.is_valid_number(num):
        return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    # Not in the numbering plan (test ranges such as 555, new ranges): accept a complete-looking
    # number, but never invent a place for a short local number written without its area code.
    if phonenumbers.is_possible_number(num) and (compact.startswith("+") or len(str(num.national_number)) >= 10):
        return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    return compact


def _cn_national(compact: str, region: str) -> str | None:
    """The digits after China's country code, or None when the number is not Chinese."""
    if compact.startswith("+86"):
        return compact[3:]
    if compact.startswith("+"):
        return None
    return compact if region == "CN" else None
