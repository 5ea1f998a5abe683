"""vCard contacts (.vcf, versions 2.1, 3.0 and 4.0): the address book collectors "explode".

Each card's TEL values become parties with role `contact`, named by FN (or N), with ORG as the
organisation and the first CATEGORIES value (the contact's group: 家人, 同事…) as the relation.
Folded lines (RFC 6350 §3.2) are unfolded; vCard 2.1 QUOTED-PRINTABLE values with CHARSET, as
Android phones export Chinese names, are decoded. Text is UTF-8, or GB18030 for older exports.
"""

from __future__ import annotations

import quopri
import re
from pathlib import Path

from dunwatch.ingest.base import Reader, Sink
from dunwatch.ingest.contacts_common import Contact, stage_contacts
from dunwatch.ingest.problems import problem
from dunwatch.ingest.textfile import decode_text

_BEGIN = re.compile(r"\ufeff?\s*BEGIN:VCARD\s*$", re.IGNORECASE | re.MULTILINE)


class VCard(Reader):
    name = "vcard"
    reads = {"zh-CN": "vCard 通讯录（.vcf）", "en": "vCard contacts (.vcf)"}
    extensions = (".vcf", ".vcard")
    source = "RFC 2426 (vCard 3.0), RFC 6350 (vCard 4.0), vCard 2.1 (versit)"

    def sniff(self, path: Path, head: bytes) -> bool:
        text = decode_text(head, partial=True)
        return text is not None and bool(re.match(r"\ufeff?\s*BEGIN:VCARD\s*(\r?\n|$)", text, re.IGNORECASE))

    def read(self, path: Path, sink: Sink) -> None:
        text = decode_text(path.read_bytes())
        if text is None:
            raise problem(path, "line 1", "ingest.encoding")
        stage_contacts(sink, parse(path, text), why=f"address book ({path.name})")


def _logical_lines(text: str):
    """(line number, unfolded line): continuation lines start with a space or tab; a QP soft break ends with '='."""
    current, start = None, 0
    for no, line in enumerate(text.splitlines(), 1):
        if current is not None and line[:1] in (" ", "\t"):
            current += line[1:]
        elif current is not None and current.endswith("=") and "QUOTED-PRINTABLE" in current.split(":", 1)[0].upper():
            current = current[:-1] + line
        else:
            if current is not None:
                yield start, current
            current, start = line, no
    if current is not None:
        yield start, current


def _value(params: list[str], value: str) -> str:
    upper = [p.upper() for p in params]
    if "ENCODING=QUOTED-PRINTABLE" in upper or "QUOTED-PRINTABLE" in upper:
        charset = next((p.split("=", 1)[1] for p in params if p.upper().startswith("CHARSET=")), "UTF-8")
        try:
            value = quopri.decodestring(value.encode("ascii", errors="replace")).decode(charset, errors="replace")
        except LookupError:
            value = quopri.decodestring(value.encode("ascii", errors="replace")).decode("utf-8", errors="replace")
    return value.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n").replace("\\N", "\n").replace("\\\\", "\\")


def parse(path: Path, text: str):
    card: dict | None = None
    n = 0
    for no, line in _logical_lines(text):
        if not line.strip():
            continue
        if ":" not in line:
            raise problem(path, f"line {no}", "ingest.vcard", message=repr(line[:40]))
        head, value = line.split(":", 1)
        parts = head.split(";")
        prop = parts[0].split(".")[-1].upper()  # drop a group prefix such as item1.TEL
        if prop == "BEGIN" and value.strip().upper() == "VCARD":
            if card is not None:
                raise problem(path, f"line {no}", "ingest.vcard", message="BEGIN:VCARD inside a card")
            n += 1
            card = {"tel": [], "fn": "", "n": "", "org": "", "cat": "", "loc": f"vcard[{n}]"}
        elif card is None:
            raise problem(path, f"line {no}", "ingest.vcard", message=f"{prop} outside BEGIN:VCARD/END:VCARD")
        elif prop == "END":
            for number in card["tel"]:
                name = card["fn"] or " ".join(p for p in reversed(card["n"].split(";")[:2]) if p).strip()
                yield Contact(number, name, card["loc"], card["org"], card["cat"])
            card = None
        elif prop == "TEL":
            tel = _value(parts[1:], value).strip()
            if tel.lower().startswith("tel:"):
                tel = tel[4:]
            card["tel"].append(tel)
        elif prop == "FN":
            card["fn"] = _value(parts[1:], value).strip()
        elif prop == "N":
            card["n"] = _value(parts[1:], value)
        elif prop == "ORG" and not card["org"]:
            card["org"] = _value(parts[1:], value).split(";")[0].strip()
        elif prop == "CATEGORIES" and not card["cat"]:
            card["cat"] = re.split(r"(?<!\\),", value)[0].replace("\\,", ",").strip()
    if card is not None:
        raise problem(path, card["loc"], "ingest.vcard", message="END:VCARD missing")
