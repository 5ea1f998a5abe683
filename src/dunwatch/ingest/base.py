"""What every reader declares, and the sink it writes events and parties into.

A reader is a small declared unit (see STYLE.md, ALEAPP): its name, what it reads, how it is
recognised (`sniff`), and `read`, which stages rows through a Sink. Nothing a reader stages
reaches the case until the importer has validated all of it; any error rolls the whole import back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, ClassVar
from zoneinfo import ZoneInfo

from dunwatch.ingest import staging

STAGE_EVENT_COLS = ("id", "kind", "from_party", "to_party", "at", "duration_s", "status", "text", "debt", "raw", "locator")
STAGE_PARTY_COLS = ("party", "role", "name", "org", "relation", "why", "locator")

STAGE_DDL = [
    "CREATE OR REPLACE TEMP TABLE stage_events ("
    + ", ".join(f'"{c}" VARCHAR' for c in STAGE_EVENT_COLS)
    + ", ord BIGINT, evidence VARCHAR)",
    "CREATE OR REPLACE TEMP TABLE stage_parties ("
    + ", ".join(f"{c} VARCHAR" for c in STAGE_PARTY_COLS)
    + ", ord BIGINT, evidence VARCHAR)",
]


class Reader:
    """Subclass per format. Class attributes are the declaration shown by `dunwatch formats`."""

    name: ClassVar[str]
    reads: ClassVar[dict[str, str]]  # {"zh-CN": ..., "en": ...}
    extensions: ClassVar[tuple[str, ...]] = ()
    source: ClassVar[str] = ""  # where the format's meaning comes from
    # Big files are read in a child process while the import stages (ingest/parse_worker.py); a
    # reader that sets this uses only EventBatch, report() and attachment() of its sink.
    in_child: ClassVar[bool] = False

    def sniff(self, path: Path, head: bytes) -> bool:
        raise NotImplementedError

    def read(self, path: Path, sink: "Sink") -> None:
        raise NotImplementedError

    def where(self, path: Path, locator: str) -> str:
        """Turn a locator into words for an error message (a reader may map rows to lines)."""
        return locator


@dataclass
class Sink:
    """Collects one evidence file's rows into the staging tables of the running import."""

    con: object
    case_dir: Path
    evidence: str
    tz: str
    region: str
    add_attachment: Callable[[bytes, str, str], str]
    # Told (bytes or rows done, total) as a reader goes, so the CLI can draw a progress bar.
    progress: Callable[[int, int], None] | None = None
    batch: int = 50_000
    # Options the user gave for some formats (import --shot-date, --asr-model), by name.
    options: dict = field(default_factory=dict)
    # The ledger entry this import writes, and the E.164 number of the phone the file came from
    # ('' when unknown): EventBatch rows go straight into `events` with them (ingest/staging.py).
    entry: int = 0
    owner: str = ""
    # Lines for the user about this file (how to enable transcription…), shown after the import.
    notes: list = field(default_factory=list)
    _events: list = field(default_factory=list)
    _parties: list = field(default_factory=list)
    _ord: int = 0
    _pord: int = 0

    def local_iso(self, when: datetime) -> str:
        """An aware datetime as ISO 8601 in the case's time zone, with its offset."""
        return when.astimezone(ZoneInfo(self.tz)).isoformat()

    def event(self, *, kind: str, from_party: str, to_party: str, at: str | datetime, locator: str,
              duration_s: str = "", status: str = "", text: str = "", debt: str = "",
              id: str | None = None, raw: dict | None = None) -> None:
        self._ord += 1
        if isinstance(at, datetime):
            at = self.local_iso(at)
        if id is None:
            id = f"{self.evidence[:12]}:{locator}"
        self._events.append((id, kind, from_party, to_party, at, duration_s, status, text, debt,
                             json.dumps(raw, ensure_ascii=False, sort_keys=True) if raw else "", locator,
                             self._ord, self.evidence))
        if len(self._events) >= self.batch:
            self.flush()

    def party(self, *, party: str, role: str, locator: str, name: str = "", org: str = "",
              relation: str = "", why: str = "") -> None:
        self._pord += 1
        self._parties.append((party, role, name, org, relation, why, locator, self._pord, self.evidence))

    def take_ords(self, n: int) -> int:
        """Reserve n consecutive `ord` numbers for rows a reader stages itself; returns the first."""
        first = self._ord + 1
        self._ord += n
        return first

    def report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    def attachment(self, data: bytes, name: str, locator: str) -> str:
        """Store an embedded file (an MMS image) as evidence of its own; returns its SHA-256."""
        return self.add_attachment(data, name, locator)

    def stage_events(self, raw_names: tuple[str, ...], rows: list[tuple]) -> None:
        """Write the rows an EventBatch hands over into the case (staging.stage)."""
        staging.stage(self, raw_names, rows)

    def stage_sql(self, table: str, select_sql: str, params: list | None = None) -> None:
        """Bulk path: stage rows straight from a DuckDB query (columns as in the stage table)."""
        self.con.execute(f"INSERT INTO {table} {select_sql}", params or [])

    def flush(self) -> None:
        self._insert("stage_events", STAGE_EVENT_COLS, self._events)
        self._insert("stage_parties", STAGE_PARTY_COLS, self._parties)

    def _insert(self, table: str, columns: tuple[str, ...], rows: list) -> None:
        if not rows:
            return
        import pyarrow as pa  # here: a reader's own process (ingest/parse_worker.py) needs no Arrow

        from dunwatch.case.arrow_input import scan_once

        names = [*columns, "ord", "evidence"]
        arrays = {n: pa.array(c, type=pa.int64() if n == "ord" else pa.string()) for n, c in zip(names, zip(*rows))}
        with scan_once(self.con, "_batch", pa.table(arrays)):
            self.con.execute(f"INSERT INTO {table} SELECT * FROM _batch")
        rows.clear()
