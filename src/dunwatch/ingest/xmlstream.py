"""Streaming, safe XML reading for phone exports (SMS Backup & Restore and the like).

Why each step (research/formats-and-anchors.md §2.6):
- Emoji written as UTF-16 surrogate character references (`&#55357;&#56832;`) are not XML 1.0
  and stop strict parsers; a pair is merged into the one character it encodes, a lone half (and a
  reference to a control character XML forbids, `&#1;`) becomes U+FFFD. The original bytes stay
  untouched in the evidence store; only the parser's input is repaired.
- Files of many GB: the file is fed to lxml in chunks and each element is cleared once read, so
  memory stays flat whatever the size.
- Some tools write UTF-16; it is re-encoded to UTF-8 on the fly.
- A DOCTYPE never occurs in these exports; one is refused (entity bombs, external entities), and
  the parser runs with entity resolution, network and DTD loading off and lxml's size limits on.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Callable, Iterator

from lxml import etree

from dunwatch.i18n import t
from dunwatch.ingest.problems import problem

CHUNK = 1 << 20
_PROGRESS_EVERY = 8 << 20

# Character references XML 1.0 forbids or that may be half of a surrogate pair: decimal 55xxx-57xxx,
# controls, 65534/65535, leading zeros, 7 digits and any hex ref are checked precisely below;
# everyday ones such as `&#10;` newlines do not match, so the scan skips them at regex speed.
_SUSPECT = re.compile(rb"&#(?:(0\d*|[1-8]|1[124-9]|2\d|3[01]|5[5-7]\d{3}|6553[45]|[1-9]\d{6})|[xX]([0-9a-fA-F]{1,6}));")
_HIGH_AT_END = re.compile(rb"&#(?:5[5-6]\d{3}|[xX][dD][89aAbB][0-9a-fA-F]{2});$")
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DECL_ENCODING = re.compile(r"""(<\?xml[^>]*?encoding\s*=\s*["'])[^"']*(["'])""")


def _allowed(cp: int) -> bool:
    return cp in (0x9, 0xA, 0xD) or 0x20 <= cp <= 0xD7FF or 0xE000 <= cp <= 0xFFFD or 0x10000 <= cp <= 0x10FFFF


def repair_refs(data: bytes) -> bytes:
    """Merge surrogate-pair references; replace forbidden ones with U+FFFD."""
    if not _SUSPECT.search(data):
        return data
    out: list[bytes] = []
    pos = 0
    pending_high: tuple[int, int] | None = None  # (start, code point) of a high surrogate waiting for its low half

    def cp_of(m: re.Match) -> int:
        return int(m.group(1)) if m.group(1) else int(m.group(2), 16)

    for m in _SUSPECT.finditer(data):
        cp = cp_of(m)
        if pending_high is not None:
            start, high = pending_high
            pending_high = None
            if m.start() == pos and 0xDC00 <= cp <= 0xDFFF:
                out.append(b"&#%d;" % (0x10000 + ((high - 0xD800) << 10) + (cp - 0xDC00)))
                pos = m.end()
                continue
            out.append(b"&#65533;")  # the lone high half before this reference
        out.append(data[pos:m.start()])
        if 0xD800 <= cp <= 0xDBFF:
            pending_high = (m.start(), cp)
        elif _allowed(cp):
            out.append(m.group(0))
        else:
            out.append(b"&#65533;")
        pos = m.end()
    if pending_high is not None:
        out.append(b"&#65533;")
    out.append(data[pos:])
    return b"".join(out)


class RepairedXml:
    """A read()-able view of an XML file for lxml: UTF-8, references repaired, progress reported."""

    def __init__(self, path: Path, on_progress: Callable[[int, int], None] | None = None):
        self._f = open(path, "rb")
        self.total = path.stat().st_size
        self.done = 0
        self._next_report = _PROGRESS_EVERY
        self._on_progress = on_progress
        self._carry = b""
        self._eof = False
        head = self._f.read(4)
        self._f.seek(0)
        self._decoder = None
        if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            self._decoder = codecs.getincrementaldecoder("utf-16")()
        elif head[:4] == b"<\x00?\x00":
            self._decoder = codecs.getincrementaldecoder("utf-16-le")()
        elif head[:4] == b"\x00<\x00?":
            self._decoder = codecs.getincrementaldecoder("utf-16-be")()
        self._first = True

    def close(self) -> None:
        self._f.close()

    def _raw(self, n: int) -> bytes:
        data = self._f.read(n)
        self.done += len(data)
        if self._on_progress and (self.done >= self._next_report or not data):
            self._on_progress(self.done, self.total)
            self._next_report = self.done + _PROGRESS_EVERY
        if self._decoder is not None:
            text = self._decoder.decode(data, final=not data)
            if self._first:
                text = text.lstrip("\ufeff")
                text = _DECL_ENCODING.sub(r"\1UTF-8\2", text, count=1)
            data = text.encode("utf-8")
        if self._first:
            self._first = False
            if _DOCTYPE.search(data, 0, 1 << 16):
                raise DoctypeRefused()
        return data

    def read(self, n: int = CHUNK) -> bytes:
        if self._eof and not self._carry:
            return b""
        while True:
            data = self._raw(max(n, 64))
            if not data:
                self._eof = True
                out, self._carry = self._carry, b""
                return repair_refs(out)
            data = self._carry + data
            # Hold back a possibly split reference (or surrogate pair) for the next read.
            cut = data.find(b"&", max(0, len(data) - 24))
            if cut == -1:
                cut = len(data)
            tail = _HIGH_AT_END.search(data, max(0, cut - 12), cut)
            if tail:  # the high half of a pair whose low half is held back: hold both
                cut = tail.start()
            data, self._carry = data[:cut], data[cut:]
            if data:
                return repair_refs(data)


class DoctypeRefused(Exception):
    pass


def located_elements(path: Path, report: Callable[[int, int], None] | None,
                     tags: tuple[str, ...]) -> Iterator[tuple[etree._Element, str]]:
    """Each element with one of `tags` and its locator (`sms[3]`: the third <sms>), streamed from
    the file and freed once the caller is done with it (constant memory); a syntax error or a
    DOCTYPE becomes one problem naming the line and the last element.

    One loop, not a generator of elements inside one of locators: this runs once per message of
    a backup of millions."""
    counts = dict.fromkeys(tags, 0)
    last = ""
    stream = RepairedXml(path, report)
    try:
        for _, elem in etree.iterparse(stream, events=("end",), tag=tags, resolve_entities=False, no_network=True,
                                       load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True):
            tag = elem.tag
            n = counts[tag] = counts[tag] + 1
            last = f"{tag}[{n}]"
            yield elem, last
            elem.clear(keep_tail=False)
            parent = elem.getparent()
            if parent is not None:
                while elem.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as e:
        after = t("ingest.xml_after", locator=last) if last else t("ingest.xml_start")
        raise problem(path, t("loc.line", line=e.position[0]), "ingest.xml_syntax", after=after, message=e.msg) from None
    except DoctypeRefused:
        raise problem(path, t("ingest.xml_start"), "ingest.xml_dtd") from None
    finally:
        stream.close()


def root_tag(head: bytes) -> str | None:
    """The name of the root element from the first bytes of a file (any encoding lxml would take)."""
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or head[:2] in (b"<\x00", b"\x00<"):
        enc = "utf-16" if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else ("utf-16-le" if head[0] == 0x3C else "utf-16-be")
        text = head[: len(head) // 2 * 2].decode(enc, errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore")
    # A DOCTYPE is skipped here so that the reader, not "unknown format", refuses it.
    m = re.match(r"\ufeff?\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)*<([A-Za-z_][\w.\-]*)",
                 text, re.DOTALL)
    return m.group(1) if m else None
