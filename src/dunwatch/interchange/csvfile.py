"""Reading and writing the interchange CSV files: strict UTF-8, RFC 4180 quoting, exact round trip."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import duckdb

from dunwatch.errors import UserError, bad_input
from dunwatch.i18n import t

BOM = codecs.BOM_UTF8


def check_utf8(path: Path) -> None:
    """Fail on the first line that is not UTF-8 (streamed: constant memory on big files)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as e:
                line += chunk.count(b"\n", 0, e.start)
                raise bad_input(path, "file.not_utf8", line=line) from None
            line += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise bad_input(path, "file.not_utf8", line=line) from None


def header_of(head: bytes) -> list[str] | None:
    """The CSV header in the first bytes of a file, or None if it is not a CSV header."""
    if head.startswith(BOM):
        head = head[len(BOM):]
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError:
        return None
    try:
        rows = list(csv.reader([text]))
    except csv.Error:  # a stray CR in binary content (a SQLite file's first "line")
        return None
    return [c.strip() for c in rows[0]] if rows else None


def check_columns(path: Path, header: list[str], want: tuple[str, ...]) -> None:
    missing = [c for c in want if c not in header]
    extra = [c for c in header if c not in want]
    if missing or extra or len(set(header)) != len(header):
        raise bad_input(path, "csv.columns", missing=", ".join(missing) or "-", extra=", ".join(extra) or "-")


def line_of_record(path: Path, record: int) -> int:
    """The line on which data record `record` (1-based, after the header) starts.

    Only used on the error path: quoted fields may hold newlines, so rows and lines differ."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        start = 1
        for i, _row in enumerate(reader):
            if i == record:
                return start
            start = reader.line_num + 1
    return start


def first_structural_problem(path: Path, width: int) -> tuple[int, str] | None:
    """Find the first row with the wrong number of fields or broken quoting (error path only)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, strict=True)
        start = 1
        try:
            for row in reader:
                if len(row) != width:
                    return start, t("csv.field_count", want=width, got=len(row))
                start = reader.line_num + 1
        except csv.Error as e:
            return start, str(e)
    return None


def load_varchar(con: duckdb.DuckDBPyConnection, path: Path, header: list[str], table: str) -> None:
    """Load a CSV file into a temp table of VARCHAR columns, in file order.

    Record numbers are rowid - min(rowid) + 1: inside a transaction DuckDB numbers new rows from a
    large base, not from 0."""
    cols = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in header) + "}"
    # Read 8 MB at a time, not DuckDB's 32 MB: half the import's first memory cap
    # (ingest/importer.IMPORT_MEMORY), which a 32 MB buffer alone overran.
    try:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM read_csv(?, header=true, auto_detect=false,
                columns={cols}, delim=',', quote='"', escape='"', strict_mode=true, null_padding=false,
                encoding='utf-8', buffer_size=8388608)""",
            [str(path)],
        )
    except duckdb.OutOfMemoryException:
        raise  # not the file's fault: the importer retries with more memory
    except duckdb.Error as e:
        found = first_structural_problem(path, len(header))
        if found:
            raise bad_input(path, "csv.structure", where=t("loc.line", line=found[0]), problem=found[1]) from None
        raise UserError(str(e).splitlines()[0], path) from None


# RFC 4180 line ends. They also make the csv module quote a field holding a lone CR, which it
# leaves bare when the line end is "\n" (and which a reader would then take for a line break).
LINE_END = "\r\n"


def write_rows(path: Path, header: tuple[str, ...], rows) -> int:
    """Write an interchange CSV: UTF-8 without BOM, CRLF line ends, quotes only where needed."""
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator=LINE_END, quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        for row in rows:
            w.writerow(row)
            n += 1
    return n


def write_events(path: Path, rows) -> Path:
    """Write rows (in EVENTS_COLUMNS order) as an events.csv file."""
    from dunwatch.interchange import EVENTS_COLUMNS

    write_rows(path, EVENTS_COLUMNS, rows)
    return path


def write_parties(path: Path, rows) -> Path:
    """Write rows (in PARTIES_COLUMNS order) as a parties.csv file."""
    from dunwatch.interchange import PARTIES_COLUMNS

    write_rows(path, PARTIES_COLUMNS, rows)
    return path


def to_text(header: tuple[str, ...], rows) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=LINE_END)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()
