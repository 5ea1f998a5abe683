"""The list of readers, in the order they are asked whether they recognise a file."""

from __future__ import annotations

from pathlib import Path

from dunwatch.errors import bad_input
from dunwatch.ingest.base import Reader
from dunwatch.ingest.interchange_csv import EventsCsv, PartiesCsv

READERS: list[Reader] = [EventsCsv(), PartiesCsv()]

HEAD_BYTES = 1 << 16


def register(reader: Reader, first: bool = False) -> None:
    if first:
        READERS.insert(0, reader)
    else:
        READERS.append(reader)


def recognise(path: Path) -> Reader:
    """The reader that recognises this file by its content, or a clear error."""
    if not path.is_file():
        raise bad_input(path, "file.missing")
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
    if not head:
        raise bad_input(path, "file.empty")
    for reader in READERS:
        if reader.sniff(path, head):
            return reader
    raise bad_input(path, "file.unknown_format")
