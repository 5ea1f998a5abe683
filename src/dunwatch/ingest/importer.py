"""Import evidence files into a case: store originals, stage rows, validate, merge, record.

One call is one transaction: every file lands (each with its own ledger entry) or none does.
Re-importing the same bytes is a no-op; events whose id is already in the case with the same
content are skipped, so an import interrupted and run again leaves no duplicate.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb

from dunwatch.case import Case, catalog
from dunwatch.case import evidence as store
from dunwatch.case.arrow_input import scan_once
from dunwatch.conduct.store import label_events
from dunwatch.errors import UserError
from dunwatch.i18n import t
from dunwatch.ingest import parse_worker, registry
from dunwatch.ingest.base import STAGE_DDL, Reader, Sink
from dunwatch.parties.numbers import normalize

ISO_8601 = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)$"
# DuckDB's own limit while importing, tried in turn, then its default (80% of the RAM, which let a
# 1 GB backup take ~3 GB). Capped, it spills staged rows and sorts to disk. Phone exports write
# their events straight into the case (ingest/staging.py) and fit in 64 MB: the 842 MB backup of
# bench/bench_smsbackup.py peaked at 349 MB with 128 MB and 299 MB with 64 MB, in about the same
# time. An events.csv of a million events from a million distinct numbers does not (its merge joins
# every event with its numbers' normal forms) and is imported again with 128 MB; that retry cost
# about 3 s of 17 there.
IMPORT_MEMORY = ("64MB", "128MB", "512MB")
INTERCHANGE = ("kind", "from_party", "to_party", '"at"', "duration_s", "status", "text", "debt")


@dataclass
class ImportResult:
    path: Path
    reader: str
    sha256: str
    events: int = 0
    parties: int = 0
    attachments: int = 0
    already: bool = False
    notes: tuple = ()

    def message(self) -> str:
        if self.already:
            return t("import.same", name=self.path.name)
        return "\n".join([t("import.took", name=self.path.name, reader=self.reader, events=self.events,
                             parties=self.parties), *self.notes])


def import_files(case: Case, paths: list[str | Path], on_file: Callable[[Path, Reader], None] | None = None,
                 on_progress: Callable[[int, int], None] | None = None, options: dict | None = None,
                 on_retry: Callable[[], None] | None = None) -> list[ImportResult]:
    plans = [(Path(p), registry.recognise(Path(p))) for p in paths]  # fail before touching the case
    # Parties first: a debtor named in parties.csv is then known as the owner of the phone exports
    # imported beside it (sorted() is stable, so files otherwise keep the order given).
    plans = sorted(plans, key=lambda plan: plan[1].name != "parties.csv")
    for limit in (*IMPORT_MEMORY, None):
        try:
            if limit is None:  # DuckDB's default limit, 80% of the RAM
                return _import_all(case, plans, on_file, on_progress, options or {})
            with catalog.memory_capped(case.con, limit):
                return _import_all(case, plans, on_file, on_progress, options or {})
        except duckdb.OutOfMemoryException:
            # A step DuckDB could not spill to disk needed more: the transaction rolled back, so the
            # case is as it was; run the import again with more memory.
            if limit is not None and on_retry:
                on_retry()
    raise UserError(t("import.no_memory"), plans[0][0])


def _import_all(case: Case, plans: list[tuple[Path, Reader]], on_file, on_progress, options: dict) -> list[ImportResult]:
    results: list[ImportResult] = []
    created: list[Path] = []  # evidence files this import wrote, removed again if it fails
    try:
        with case.transaction():
            for path, reader in plans:
                if on_file:
                    on_file(path, reader)
                results.append(_import_one(case, path, reader, created, on_progress, options))
    except BaseException:
        store.discard(created)
        raise
    return results


def _import_one(case: Case, path: Path, reader: Reader, created: list[Path],
                on_progress: Callable[[int, int], None] | None = None, options: dict | None = None) -> ImportResult:
    con = case.con
    options = options or {}
    # A big file's reader starts before the file is hashed, and parses meanwhile (parse_worker.reading).
    with parse_worker.reading(reader, path, case.region, case.tz, options) as read_into:
        sha = store.sha256_file(path)
        result = ImportResult(path, reader.name, sha)
        if con.execute("SELECT 1 FROM evidence WHERE sha256 = ? AND parent IS NULL", [sha]).fetchone():
            result.already = True
            return result
        # The original is copied into the store (and synced to disk) while the reader reads it: a
        # second of I/O for a 1 GB backup, which overlaps parsing instead of adding to it.
        copying = ThreadPoolExecutor(1)
        try:
            copied = copying.submit(store.store_file, case.path, path, sha, created)
            result = _read_and_merge(case, path, reader, sha, created, on_progress, options, read_into)
        finally:
            copying.shutdown(wait=True)  # before a failed import discards what it stored
        copied.result()  # a copy that failed (a full disk) fails the import
        return result


def _read_and_merge(case: Case, path: Path, reader: Reader, sha: str, created: list[Path],
                    on_progress: Callable[[int, int], None] | None, options: dict,
                    read_into: Callable[[Sink], None]) -> ImportResult:
    con = case.con
    result = ImportResult(path, reader.name, sha)
    seq = case.next_seq()
    for ddl in STAGE_DDL:
        con.execute(ddl)
    con.execute("INSERT INTO evidence VALUES (?, ?, ?, ?, NULL, NULL, ?)", [sha, path.stat().st_size, path.name, reader.name, seq])
    attachments: list[str] = []

    def add_attachment(data: bytes, name: str, locator: str) -> str:
        a_sha, _ = store.store_bytes(case.path, data, created)
        # fetchall: a half-read result would block the reader's next register() (DuckDB 2).
        if not con.execute("SELECT 1 FROM evidence WHERE sha256 = ?", [a_sha]).fetchall() and a_sha not in attachments:
            con.execute("INSERT INTO evidence VALUES (?, ?, ?, ?, ?, ?, ?)", [a_sha, len(data), name, reader.name, sha, locator, seq])
            attachments.append(a_sha)
        return a_sha

    owner = phone_owner(case, options.get("owner"))
    sink = Sink(con, case.path, sha, case.tz, case.region, add_attachment, progress=on_progress, options=options,
                entry=seq, owner=owner)
    try:
        read_into(sink)
        sink.flush()
    except UserError:
        raise
    except (ValueError, KeyError, IndexError, UnicodeError, OSError) as e:
        # A reader met input it could not make sense of: name the file and the problem.
        raise UserError(f"{type(e).__name__}: {e}".splitlines()[0], path) from None

    where = lambda loc: reader.where(path, loc)  # noqa: E731
    _validate_events(con, path, where, "stage_events")
    _validate_events(con, path, where, f"(SELECT * FROM events WHERE entry = {int(seq)})")
    _validate_parties(con, path, where)
    result.events = _merge_events(case, path, where, seq, owner)
    result.parties = _merge_parties(case, seq)
    result.attachments = len(attachments)
    result.notes = tuple(sink.notes)
    if not owner and con.execute("SELECT 1 FROM events WHERE entry = ? AND (from_e164 = '' OR to_e164 = '') LIMIT 1",
                                 [seq]).fetchall():  # LIMIT: not 2 million rows into Python
        result.notes += (t("import.owner_unknown"),)
    # Conduct labels of the new text events, covered by this entry. The events are final now: the
    # ledger's hash of them is taken while the texts are classified (conduct.store.label_events).
    events_hash: dict[str, str | None] = {}

    def hash_events() -> None:
        hashes = catalog.entry_hashes(con, "events", seq, rows_in_ord_order=case.rows_in_ord_order)
        events_hash["events"] = hashes.get(seq)

    label_events(con, seq, meanwhile=hash_events)
    inputs = {"evidence": sha, "name": path.name, "reader": reader.name}
    if owner:
        inputs["owner"] = owner
    case.record(seq, "import", inputs, hashed=events_hash)
    return result


def _first(con, sql: str):
    return con.execute(sql + " ORDER BY evidence, ord LIMIT 1").fetchone()


def _problem(path: Path, where, locator: str, key: str, **kw) -> UserError:
    return UserError(t("csv.structure", where=where(locator), problem=t(key, **kw)), path)


def _bad_value(path, where, locator, column, value, expected_key, **kw) -> UserError:
    return _problem(path, where, locator, "csv.bad_value", column=column, value=value, expected=t(expected_key, **kw))


def _validate_events(con, path: Path, where, rows: str) -> None:
    """The first problem of the events in `rows`: the staged ones, or those EventBatch wrote
    straight into the case (built from typed values, so a problem there is a reader's mistake)."""
    kinds = ", ".join(catalog.EVENT_KINDS)
    statuses = ", ".join(catalog.CALL_STATUSES)
    kind_list = ",".join(f"'{k}'" for k in catalog.EVENT_KINDS)
    status_list = ",".join(f"'{s}'" for s in catalog.CALL_STATUSES)
    checks = [
        ("id = ''", "id", "id", "expect.nonempty", {}),
        (f"kind NOT IN ({kind_list})", "kind", "kind", "expect.kind", {"allowed": kinds}),
        (f"""NOT regexp_full_match("at", '{ISO_8601}') OR try_cast("at" AS TIMESTAMPTZ) IS NULL""", '"at"', "at", "expect.iso8601", {}),
        ("duration_s <> '' AND coalesce(try_cast(duration_s AS DOUBLE) < 0, true)", "duration_s", "duration_s", "expect.number", {}),
        (f"kind = 'call' AND status NOT IN ({status_list})", "status", "status", "expect.kind", {"allowed": statuses}),
    ]
    for cond, col, label, key, kw in checks:
        row = _first(con, f"SELECT locator, {col} FROM {rows} WHERE {cond}")
        if row:
            raise _bad_value(path, where, row[0], label, row[1], key, **kw)
    # The first repeat in file order; the window sorts only the repeated ids (over every row, it
    # sorted 2 million of them to find none).
    dup = con.execute(
        f"""SELECT locator, id FROM (
              SELECT locator, id, ord, row_number() OVER (PARTITION BY id ORDER BY ord) AS n FROM {rows}
              WHERE id IN (SELECT id FROM {rows} GROUP BY id HAVING count(*) > 1))
            WHERE n > 1 ORDER BY ord LIMIT 1""").fetchone()
    if dup:
        raise _problem(path, where, dup[0], "csv.duplicate", column="id", value=dup[1])


def _validate_parties(con, path: Path, where) -> None:
    roles = ", ".join(catalog.PARTY_ROLES)
    role_list = ",".join(f"'{r}'" for r in catalog.PARTY_ROLES)
    row = _first(con, "SELECT locator, party FROM stage_parties WHERE party = ''")
    if row:
        raise _bad_value(path, where, row[0], "party", row[1], "expect.nonempty")
    row = _first(con, f"SELECT locator, role FROM stage_parties WHERE role NOT IN ({role_list})")
    if row:
        raise _bad_value(path, where, row[0], "role", row[1], "expect.kind", allowed=roles)
    dup = con.execute(
        """SELECT locator, party FROM (SELECT locator, party, ord, row_number() OVER (PARTITION BY party ORDER BY ord) AS n
           FROM stage_parties) WHERE n > 1 ORDER BY ord LIMIT 1""").fetchone()
    if dup:
        raise _problem(path, where, dup[0], "csv.duplicate", column="party", value=dup[1])


def _number_map(case: Case, values_sql: str) -> None:
    """Normalise each distinct raw number once (phonenumbers is slow per call; numbers repeat)."""
    con = case.con
    raws = [r[0] for r in con.execute(values_sql).fetchall()]
    con.execute("CREATE OR REPLACE TEMP TABLE _e164 (raw VARCHAR, e164 VARCHAR)")
    if raws:
        import pyarrow as pa

        tbl = pa.table({"raw": raws, "e164": [normalize(r, case.region) for r in raws]})
        with scan_once(con, "_e164_batch", tbl):
            con.execute("INSERT INTO _e164 SELECT * FROM _e164_batch")


def phone_owner(case: Case, given: str | None) -> str:
    """The E.164 number of the phone an export came from: as given (--owner), else the case's debtor.

    Phone exports write their owner as an empty from/to ("this phone"); the normalised columns get
    the owner's number so that rules count those calls as made to the debtor."""
    if given:
        return normalize(given, case.region)
    debtors = case.con.execute("SELECT DISTINCT party_e164 FROM parties WHERE role = 'debtor' AND party_e164 <> ''").fetchall()
    return debtors[0][0] if len(debtors) == 1 else ""


def _merge_events(case: Case, path: Path, where, seq: int, owner: str = "") -> int:
    con = case.con
    # Nothing staged (a phone export's rows are in `events` already): no merge, whose queries
    # would still read the id of every event in the case.
    if con.execute("SELECT 1 FROM stage_events LIMIT 1").fetchall():
        _merge_staged(case, path, where, seq, owner)
    return con.execute("SELECT count(*) FROM events WHERE entry = ?", [seq]).fetchone()[0]


def _merge_staged(case: Case, path: Path, where, seq: int, owner: str) -> None:
    con = case.con
    same = " AND ".join(f"s.{c} = e.{c}" for c in INTERCHANGE)
    clash = con.execute(
        f"""SELECT s.locator, s.id FROM stage_events s JOIN events e ON s.id = e.id
            WHERE NOT ({same}) ORDER BY s.ord LIMIT 1""").fetchone()
    if clash:
        raise _problem(path, where, clash[0], "csv.conflict", value=clash[1])
    con.execute("DELETE FROM stage_events s WHERE s.id IN (SELECT id FROM events)")
    _number_map(case, "SELECT from_party FROM stage_events UNION SELECT to_party FROM stage_events")
    if owner:
        con.execute("UPDATE _e164 SET e164 = ? WHERE raw = ''", [owner])
    con.execute(
        """INSERT INTO events
           SELECT s.id, s.kind, s.from_party, s.to_party, s."at", s.duration_s, s.status, s.text, s.debt,
                  CAST(s."at" AS TIMESTAMPTZ) AT TIME ZONE 'UTC', try_cast(nullif(s.duration_s, '') AS DOUBLE),
                  f.e164, r.e164, s.evidence, s.locator, s.ord, ?, s.raw
           FROM stage_events s JOIN _e164 f ON f.raw = s.from_party JOIN _e164 r ON r.raw = s.to_party""",
        [seq],
    )


def _merge_parties(case: Case, seq: int) -> int:
    con = case.con
    _number_map(case, "SELECT DISTINCT party FROM stage_parties")
    # Only versions that change something are written, so re-importing a parties file adds nothing.
    con.execute(
        """INSERT INTO party_versions
           SELECT s.party, s.role, s.name, s.org, s.relation, n.e164, s.why, s.evidence, s.locator, s.ord, ?
           FROM stage_parties s JOIN _e164 n ON n.raw = s.party
           LEFT JOIN parties p ON p.party = s.party
           WHERE p.party IS NULL OR (p.role, p.name, p.org, p.relation) IS DISTINCT FROM (s.role, s.name, s.org, s.relation)
           ORDER BY s.ord""",
        [seq],
    )
    return con.execute("SELECT count(*) FROM party_versions WHERE entry = ?", [seq]).fetchone()[0]
