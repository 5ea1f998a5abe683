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

from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # base.Sink calls stage() and stage_done()
    import pyarrow as pa

    from dunwatch.ingest.base import Sink

# The phone's owner (the borrower whose phone the export came from): phone exports do not say the
# owner's own number, so events write it as empty ("this phone"), as docs/formats.md allows.
OWNER = ""

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
        """Stage what is left and tell the sink the events are complete (see stage_done)."""
        self.flush()
        self.sink.events_done()


def columns(rows: list[tuple], raw_names: tuple[str, ...], region: str) -> pa.Table:
    """EventBatch rows as Arrow columns, with the normal form of each number beside it.

    Built in the importing process, not in a reader's own (ingest/parse_worker.py): that process
    is the slower of the two, and without pyarrow and phonenumbers its peak fell from 117 to 38 MB."""
    import pyarrow as pa

    from dunwatch.parties.numbers import normalize

    cols = list(zip(*rows))
    names = [*_COLS, "at_ms", "at_local", *(f"r{i}" for i in range(len(raw_names)))]
    arrays = {}
    for name, values in zip(names, cols):
        if name == "at_ms":
            arrays[name] = pa.array(values, type=pa.int64())
        elif name.startswith("r"):
            arrays[name] = _text_array(values)
        else:
            arrays[name] = pa.array(values, type=pa.string())
    # Ids hash the normal form of the numbers, so one call logged as 17100000011 by the phone and
    # +8617100000011 by a backup app is one event.
    keys = {v: normalize(v, region) for v in set(cols[1]) | set(cols[2])}
    arrays["from_key"] = pa.array(list(map(keys.__getitem__, cols[1])), type=pa.string())
    arrays["to_key"] = pa.array(list(map(keys.__getitem__, cols[2])), type=pa.string())
    return pa.table(arrays)


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
    # a problem found later still leaves the case as it was. The scan keeps file order
    # (preserve_insertion_order).
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
          FROM t)
        SELECT kind || ':' || substr(md5(concat_ws(chr(31), kind, from_key, to_key, at_iso, duration_s, status, text)), 1, 16),
               kind, from_party, to_party, at_iso, duration_s, status, text, '',
               CAST(at_iso AS TIMESTAMPTZ) AT TIME ZONE 'UTC', try_cast(nullif(duration_s, '') AS DOUBLE),
               CASE WHEN from_party = '' THEN $owner ELSE from_key END,
               CASE WHEN to_party = '' THEN $owner ELSE to_key END,
               $evidence, locator, ord, $entry, {raw_json}
        FROM f"""


def stage(sink: Sink, raw_names: tuple[str, ...], rows: list[tuple]) -> None:
    """Write one EventBatch's rows into the case: number them in file order, then let DuckDB do the
    per-row work in bulk (the ISO time with the case's offset, the content id, the raw JSON)."""
    # Here, not above: a reader's own process (ingest/parse_worker.py) never stages.
    import duckdb
    import pyarrow as pa

    from dunwatch.case.arrow_input import scan_once

    table = columns(rows, raw_names, sink.region)
    first = sink.take_ords(table.num_rows)
    table = table.append_column("ord", pa.array(range(first, first + table.num_rows), type=pa.int64()))
    with scan_once(sink.con, "_eb", table):
        try:
            sink.con.execute(_stage_sql(raw_names), {"tz": sink.tz, "evidence": sink.evidence, "entry": sink.entry,
                                                     "owner": sink.owner})
        except duckdb.OutOfMemoryException:
            raise  # not the file's fault: the importer retries with more memory
        except duckdb.Error as e:  # a time outside what DuckDB can hold, and the like
            raise ValueError(str(e).splitlines()[0]) from None


def stage_done(sink: Sink) -> None:
    """After a reader's last event: keep exact repeats once, and leave out events the case already
    has (the same act read earlier from another export, perhaps with the number written otherwise)."""
    params = {"entry": sink.entry}
    sink.con.execute("DELETE FROM events WHERE entry = $entry AND id IN (SELECT id FROM events WHERE entry <> $entry)",
                     params)
    # Grouping finds repeated ids without sorting every row (a window over 2 million rows did).
    sink.con.execute(
        """DELETE FROM events WHERE entry = $entry AND ord IN (
             SELECT e.ord FROM events e
             JOIN (SELECT id, min(ord) AS first FROM events WHERE entry = $entry GROUP BY id HAVING count(*) > 1) d
               ON e.id = d.id
             WHERE e.entry = $entry AND e.ord > d.first)""", params)
