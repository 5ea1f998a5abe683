"""Telling the encoding of a text export: UTF-8 (with or without BOM), UTF-16 (BOM, or the zero
bytes of ASCII written as UTF-16), else GB18030 — the superset of GBK and GB2312 that Chinese
carriers' and phones' Windows-era exports use."""

from __future__ import annotations

import codecs


def decode_text(data: bytes, partial: bool = False) -> str | None:
    """The text, or None when no candidate encoding decodes it. With partial=True the bytes are
    the head of a longer file, so a character cut at the end is tolerated."""
    for enc, bom in (("utf-8", codecs.BOM_UTF8), ("utf-16", codecs.BOM_UTF16_LE), ("utf-16", codecs.BOM_UTF16_BE)):
        if data.startswith(bom):
            return _try(data[len(bom):] if enc == "utf-8" else data, enc, partial)
    if len(data) >= 4 and data[1] == 0 and data[3] == 0 and data[0] and data[2]:
        return _try(data, "utf-16-le", partial)
    if len(data) >= 4 and data[0] == 0 and data[2] == 0 and data[1] and data[3]:
        return _try(data, "utf-16-be", partial)
    if b"\x00" in data:
        return None
    return _try(data, "utf-8", partial) or _try(data, "gb18030", partial)


def _try(data: bytes, enc: str, partial: bool) -> str | None:
    try:
        decoder = codecs.getincrementaldecoder(enc)()
        return decoder.decode(data, final=not partial)
    except UnicodeDecodeError:
        return None
