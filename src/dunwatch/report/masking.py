"""Plain-text safety and masking of personal data for the public-platform letter.

Plain text cannot carry markup, but it can carry terminal escape sequences and bidirectional
overrides that make a pasted text read differently from what it says: those are removed.
"""

from __future__ import annotations

import re

# C0/C1 controls (but not tab and newline) and Unicode bidi embedding/override/isolate marks.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_DIGIT_RUN = re.compile(r"\+?\d[\d \-]{5,}\d")
_PAREN = re.compile(r"[（(].*?[）)]$")


def plain(value: object) -> str:
    return _UNSAFE.sub("", "" if value is None else str(value))


def mask_number(s: str) -> str:
    """Keep the first 3 and last 4 digits of a long digit run (a phone, ID or card number)."""
    def one(m: re.Match) -> str:
        digits = re.sub(r"\D", "", m.group(0))
        keep_head = 5 if m.group(0).startswith("+") and len(digits) > 11 else 3
        if len(digits) <= keep_head + 4:
            return "*" * len(digits)
        return ("+" if m.group(0).startswith("+") else "") + digits[:keep_head] + "*" * (len(digits) - keep_head - 4) + digits[-4:]
    return _DIGIT_RUN.sub(one, s)


def name_core(name: str) -> str:
    """A name without a trailing parenthetical note such as （合成）."""
    return _PAREN.sub("", name).strip()


def mask_name(name: str) -> str:
    core = name_core(name)
    if not core:
        return name
    return core[0] + "*" * (len(core) - 1) + name[len(core):]


def mask_text(text: str, names: list[str], spans: list[tuple[int, int]] = ()) -> str:
    """Hide personal data in a quoted text: detected PII spans, known names, long digit runs."""
    chars = list(text)
    for start, end in spans:
        for i in range(max(0, start), min(len(chars), end)):
            chars[i] = "*"
    out = "".join(chars)
    for name in sorted({name_core(n) for n in names if name_core(n)}, key=len, reverse=True):
        out = out.replace(name, mask_name(name))
    return mask_number(out)


def csv_cell(value: object) -> str:
    """A spreadsheet shows a cell starting with = + - @ as a formula: quote it as text."""
    s = plain(value)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s
