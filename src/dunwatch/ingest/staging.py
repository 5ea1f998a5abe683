"""Columnar staging shared by the phone-export readers: one way to turn source rows into events.

A reader hands over source values (epoch milliseconds in UTC, or a wall-clock string in the case's
time zone) and DuckDB does the per-row work in bulk: the ISO 8601 time with the case's UTC offset,
the event id and the raw JSON. That keeps a 2-million-message backup inside the time budget and
gives every reader the same time format, so the same message read from two sources (an SMS Backup
XML and mmssms.db) gets the same id.

Event ids are content ids: kind + a hash of (kind, from, to, at, duration, status, text), with
the numbers in their normal form. Importing a
newer backup that repeats older messages therefore adds only the new ones. Exact repeats inside one
file (backups often hold a message twice after a restore, see ragibson/SMS-MMS-deduplication) are
kept once, at their first place in the file.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # base.Sink calls stage()
    import pyarrow as pa

    from dunwatch.ingest.base import Sink

# The phone's owner (the borrower whose phone the export came from): phone exports do not say the
# owner's own number, so events write it as empty ("this phone"), as docs/formats.md allows.
OWNER = ""

# at_utc is read back from the ISO time, whose offset is written to the minute (a few zones' old
# offsets had seconds): a repeat's at_utc is within a minute of its at_ms.
_MARGIN_MS = 120_000
_COLS = ("kind", "from_party", "to_party", "duration_s", "status", "text", "locator")


class EventBatch:
    """Collects a reader's events row by row and hands them to its sink in columns."""

    def __init__(self, sink: Sink, raw_names: tuple[str, ...], size: int = 10_000):
        self.sink = sink
        self.raw_names = raw_names
        self.size = size
        self._rows: list[tuple] = []

    def add(self, kind: str, from_party: str, to_party: str, locator: str, *, at_ms: int | None = None,
            at_local: datetime | None = None, duration_s: str = "", status: str = "", text: str = "",
            raw: tuple = ()) -> None:
        """One event. Exactly one of at_ms (UTC epoch milliseconds) and at_local (naive wall-clock
        time in the case's time zone) is given; raw holds the source's values for raw_names."""
        local = at_local.strftime("%Y-%m-%d %H:%M:%S") if at_local is not None else None
        self._rows.append((kind, from_party, to_party, duration_s, status, text, locator, at_ms, local, *raw))
        if len(self._rows) >= self.size:
            self.flush()

    def flush(self) -> None:
        if self._rows:
            self.sink.stage_events(self.raw_names, self._rows)
            self._rows = []

    def close(self) -> None:
        """Stage what is left."""
        self.flush()


def columns(rows: list[tuple], raw_names: tuple[str, ...], region: str) -> pa.Table:
    """EventBatch rows as Arrow columns, with the normal form of each number beside it; an exact
    repeat of an earlier row of the batch is left out (repeats across batches and imports are left
    out by the insert, _stage_sql).

    Built in the importing process, not in a reader's own (ingest/parse_worker.py): without
    pyarrow and phonenumbers, that process's peak fell from 117 to 38 MB."""
    import pyarrow as pa

    from dunwatch.parties.numbers import normalize

    cols = list(zip(*rows))
    # Ids hash the normal form of the numbers, so one call logged as 17100000011 by the phone and
    # +8617100000011 by a backup app is one event.
    keys = {v: normalize(v, region) for v in set(cols[1]) | set(cols[2])}
    from_keys, to_keys = list(map(keys.__getitem__, cols[1])), list(map(keys.__getitem__, cols[2]))
    keep = _first_of_each_content(cols, from_keys, to_keys)
    if keep is not None:
        rows = [rows[i] for i in keep]
        cols = list(zip(*rows))
        from_keys, to_keys = [from_keys[i] for i in keep], [to_keys[i] for i in keep]
    names = [*_COLS, "at_ms", "at_local", *(f"r{i}" for i in range(len(raw_names)))]
    arrays = {}
    for name, values in zip(names, cols):
        if name == "at_ms":
            arrays[name] = pa.array(values, type=pa.int64())
        elif name.startswith("r"):
            arrays[name] = _text_array(values)
        else:
            arrays[name] = pa.array(values, type=pa.string())
    arrays["from_key"] = pa.array(from_keys, type=pa.string())
    arrays["to_key"] = pa.array(to_keys, type=pa.string())
    return pa.table(arrays)


def _first_of_each_content(cols: list[tuple], from_keys: list[str], to_keys: list[str]) -> list[int] | None:
    """The rows to keep, each the first of its content (what the id hashes: kind, numbers, time,
    duration, status, text), or None when no two rows share it.

    Found here with sets, in C, where DuckDB's window over the batch's wide rows cost 4 s of a
    2-million-message import. Rows with the same content have the same time, so only rows whose
    time repeats in the batch (a group message sent to several numbers, a message backed up
    twice) are compared whole: with a tuple of the whole content for every row, columns() took
    3.8-3.9 s for the 2 million messages of bench/bench_smsbackup.py, 3.0-3.3 s this way."""
    times = cols[7] if None not in cols[7] else list(zip(cols[7], cols[8]))  # at_ms, else at_local
    if len(set(times)) == len(times):
        return None
    counts = Counter(times)
    seen: set = set()
    dropped = set()
    for i in [i for i, t in enumerate(times) if counts[t] > 1]:
        content = (cols[0][i], from_keys[i], to_keys[i], cols[3][i], cols[4][i], cols[5][i], cols[7][i], cols[8][i])
        if content in seen:
            dropped.add(i)
        seen.add(content)
    return [i for i in range(len(times)) if i not in dropped] if dropped else None


def _text_array(values: tuple) -> pa.Array:
    """Raw values as text: most readers hand strings (or None) already, which Arrow takes in one
    call; numbers and bytes (SQLite values) are written as str() writes them."""
    import pyarrow as pa

    try:
        arr = pa.array(values)
        if arr.type in (pa.string(), pa.null()):
            return arr.cast(pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # mixed types
        pass
    return pa.array([None if v is None else str(v) for v in values], type=pa.string())


@cache
def _stage_sql(raw_names: tuple[str, ...]) -> str:
    # Names may come from the evidence (a bill's headers): quoted as SQL string literals.
    raw_json = "json_object(" + ", ".join("'" + n.replace("'", "''") + f"', r{i}" for i, n in enumerate(raw_names)) + ")::VARCHAR" if raw_names else "''"
    local = "timezone($tz, ts)"
    offset = f"CAST(round(epoch({local}) - epoch(ts)) AS INTEGER)"
    # Rows go straight into `events` under the import's entry, in their final form (the same
    # at_utc, duration and E.164 columns the importer's merge computes for staged rows): copying
    # 2 million rows from a staging table took 5-8 s, and the import is one transaction anyway, so
    # a problem found later still leaves the case as it was.
    # Repeats are left out before they are written, never deleted afterwards: deleting even 100 of
    # 2 million rows written in the same transaction made DuckDB rewrite them all at COMMIT (5-8 s).
    # Those inside the batch are gone already (columns()). A repeat of an earlier batch or import
    # has the same id, so the same time: it is looked for only among the events of the batch's time
    # span ($lo..$hi, epoch microseconds, or NULL for any time), which DuckDB finds by its zone maps
    # instead of reading every event of the case.
    # No ORDER BY: the rows arrive in file order and DuckDB keeps it (preserve_insertion_order,
    # catalog.connect), which the ledger's hash of the events streams in (catalog.entry_hashes;
    # stored in another order, it sorts them first); every reader of `events` sorts for itself.
    # Sorting each batch by `ord` cost up to a second for 2 million rows (DuckDB alone; the VM's
    # noise was as large).
    return f"""
        INSERT INTO events
        WITH t AS (
          SELECT *, CASE WHEN at_ms IS NOT NULL THEN make_timestamptz(at_ms * 1000)
                         ELSE timezone($tz, CAST(at_local AS TIMESTAMP)) END AS ts FROM _eb),
        f AS (
          SELECT *, strftime({local}, '%Y-%m-%dT%H:%M:%S')
             || CASE WHEN at_ms IS NOT NULL AND at_ms % 1000 <> 0 THEN '.' || lpad(CAST(at_ms % 1000 AS VARCHAR), 3, '0') ELSE '' END
             || CASE WHEN {offset} < 0 THEN '-' ELSE '+' END
             || lpad(CAST(abs({offset}) // 3600 AS VARCHAR), 2, '0') || ':'
             || lpad(CAST(abs({offset}) % 3600 // 60 AS VARCHAR), 2, '0') AS at_iso
          FROM t),
        r AS (
          SELECT kind || ':' || substr(md5(concat_ws(chr(31), kind, from_key, to_key, at_iso, duration_s, status, text)), 1, 16) AS id,
                 * FROM f)
        SELECT id, kind, from_party, to_party, at_iso, duration_s, status, text, '',
               CAST(at_iso AS TIMESTAMPTZ) AT TIME ZONE 'UTC', try_cast(nullif(duration_s, '') AS DOUBLE),
               CASE WHEN from_party = '' THEN $owner ELSE from_key END,
               CASE WHEN to_party = '' THEN $owner ELSE to_key END,
               $evidence, locator, ord, $entry, {raw_json}
        FROM r
        WHERE id NOT IN (SELECT id FROM events
                         WHERE $lo IS NULL OR at_utc BETWEEN make_timestamp($lo) AND make_timestamp($hi))"""


def stage(sink: Sink, raw_names: tuple[str, ...], rows: list[tuple]) -> None:
    """Write one EventBatch's rows into the case: number them in file order, then let DuckDB do the
    per-row work in bulk (the ISO time with the case's offset, the content id, the raw JSON)."""
    # Here, not above: a reader's own process (ingest/parse_worker.py) never stages.
    import duckdb
    import pyarrow as pa
    import pyarrow.compute as pc

    from dunwatch.case.arrow_input import scan_once

    table = columns(rows, raw_names, sink.region)
    first = sink.take_ords(table.num_rows)
    table = table.append_column("ord", pa.array(range(first, first + table.num_rows), type=pa.int64()))
    lo = hi = None  # wall-clock times (at_local): any UTC time may hold their repeats
    if table["at_ms"].null_count == 0:
        span = pc.min_max(table["at_ms"])
        lo, hi = (span["min"].as_py() - _MARGIN_MS) * 1000, (span["max"].as_py() + _MARGIN_MS) * 1000
    with scan_once(sink.con, "_eb", table):
        try:
            sink.con.execute(_stage_sql(raw_names), {"tz": sink.tz, "evidence": sink.evidence, "entry": sink.entry,
                                                     "owner": sink.owner, "lo": lo, "hi": hi})
        except duckdb.OutOfMemoryException:
            raise  # not the file's fault: the importer retries with more memory
        except duckdb.Error as e:  # a time outside what DuckDB can hold, and the like
            raise ValueError(str(e).splitlines()[0]) from None
