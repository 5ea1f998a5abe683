"""The case catalog: one embedded DuckDB file per case (see docs/design.md for why DuckDB).

Every table that holds case data has an `entry` column naming the ledger entry that wrote the
row. Rows are never updated or deleted; a change (a new tag for a party) is a new row. That is
what lets `verify` recompute, per ledger entry, a hash of exactly the rows that entry wrote.
"""

from __future__ import annotations

import binascii
import hashlib
from contextlib import contextmanager
from itertools import pairwise
from typing import Iterator

import duckdb
import numpy
import pyarrow as pa

# 2: rows of tables with `ord` are hashed in ord order (entry_hashes); version 1 cases keep their rule.
SCHEMA_VERSION = 2
# Hashes per sort in entry_hashes: each slice rescans the row hashes, so fewer slices are faster
# (500,000 rather than 250,000 saved 1.3 s of the 2-million-message import; 20 MB fit its 64 MB cap).
_SORT_ROWS = 500_000
_HASH_BATCH = 50_000
# JSON lines per Arrow batch when hashing rows in ord order: hashing the 2 million events of a big
# import raised the process's peak by 115 MB at 2,048 lines (DuckDB's vector), 190 MB at 20,000,
# in about the same time.
_LINE_BATCH = 2_048

# Interchange kinds and call statuses (docs/formats.md).
EVENT_KINDS = ("call", "sms", "mms", "chat", "voicemail", "email", "letter", "visit", "post")
CALL_STATUSES = ("answered", "missed", "rejected", "voicemail", "failed")
PARTY_ROLES = ("debtor", "collector", "lender", "contact", "authority", "unknown")

DDL = [
    """CREATE TABLE IF NOT EXISTS ledger (
        seq BIGINT NOT NULL, "at" VARCHAR NOT NULL, action VARCHAR NOT NULL,
        inputs VARCHAR NOT NULL, result VARCHAR NOT NULL, prev VARCHAR NOT NULL, hash VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS evidence (
        sha256 VARCHAR NOT NULL, size BIGINT NOT NULL, name VARCHAR NOT NULL, reader VARCHAR NOT NULL,
        parent VARCHAR, locator VARCHAR, entry BIGINT NOT NULL)""",
    # Interchange columns are kept as the text that was read (so export round-trips exactly);
    # at_utc, duration, from_e164 and to_e164 are their normalised, queryable forms; raw holds the
    # source's own values (JSON) where a reader translated them (epoch ms, carrier time strings).
    """CREATE TABLE IF NOT EXISTS events (
        id VARCHAR NOT NULL, kind VARCHAR NOT NULL, from_party VARCHAR NOT NULL, to_party VARCHAR NOT NULL,
        "at" VARCHAR NOT NULL, duration_s VARCHAR NOT NULL, status VARCHAR NOT NULL, text VARCHAR NOT NULL,
        debt VARCHAR NOT NULL,
        at_utc TIMESTAMP NOT NULL, duration DOUBLE, from_e164 VARCHAR NOT NULL, to_e164 VARCHAR NOT NULL,
        evidence VARCHAR NOT NULL, locator VARCHAR NOT NULL, ord BIGINT NOT NULL, entry BIGINT NOT NULL,
        raw VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS party_versions (
        party VARCHAR NOT NULL, role VARCHAR NOT NULL, name VARCHAR NOT NULL, org VARCHAR NOT NULL,
        relation VARCHAR NOT NULL, party_e164 VARCHAR NOT NULL, why VARCHAR NOT NULL,
        evidence VARCHAR, locator VARCHAR, ord BIGINT NOT NULL, entry BIGINT NOT NULL)""",
    # Conduct labels of text events (dunwatch.conduct); spans are JSON [[start, end], ...] into events.text.
    """CREATE TABLE IF NOT EXISTS labels (
        event_id VARCHAR NOT NULL, label VARCHAR NOT NULL, score DOUBLE NOT NULL, spans VARCHAR NOT NULL,
        detector VARCHAR NOT NULL, entry BIGINT NOT NULL)""",
    # Personal data found in event texts (ID numbers, bank cards, phone numbers, addresses).
    """CREATE TABLE IF NOT EXISTS pii (
        event_id VARCHAR NOT NULL, type VARCHAR NOT NULL, start_pos INTEGER NOT NULL, end_pos INTEGER NOT NULL,
        detector VARCHAR NOT NULL, entry BIGINT NOT NULL)""",
    # Who a number works for, and why we think so (dunwatch.parties.attribution); the user can overrule.
    """CREATE TABLE IF NOT EXISTS attributions (
        party_e164 VARCHAR NOT NULL, org VARCHAR NOT NULL, role VARCHAR NOT NULL, reason VARCHAR NOT NULL,
        source VARCHAR NOT NULL, entry BIGINT NOT NULL)""",
    # Findings of each `dunwatch check` run on the case; the latest run's entry holds the current ones.
    """CREATE TABLE IF NOT EXISTS findings (
        rule VARCHAR NOT NULL, pack VARCHAR NOT NULL, finding VARCHAR NOT NULL, ord BIGINT NOT NULL,
        entry BIGINT NOT NULL)""",
    # Debts (dunwatch.loans): the facts that decide which rate cap applies, one row per version
    # (the latest entry is current); '' = not known. Their cash flows: amounts are exact decimal
    # text, positive = received by the borrower; evidence/locator point into a flows file, or are
    # NULL / "scheme installment k" for flows expanded from a quoted scheme (scheme holds it, JSON).
    """CREATE TABLE IF NOT EXISTS debts (
        debt VARCHAR NOT NULL, lender_type VARCHAR NOT NULL, contract_date VARCHAR NOT NULL, lender VARCHAR NOT NULL,
        cash_loan VARCHAR NOT NULL, lpr VARCHAR NOT NULL, contract_principal VARCHAR NOT NULL, scheme VARCHAR NOT NULL,
        evidence VARCHAR, entry BIGINT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS debt_flows (
        debt VARCHAR NOT NULL, ord BIGINT NOT NULL, "date" DATE NOT NULL, amount VARCHAR NOT NULL, note VARCHAR NOT NULL,
        evidence VARCHAR, locator VARCHAR NOT NULL, entry BIGINT NOT NULL)""",
    # The current view of each party: its latest version.
    """CREATE OR REPLACE VIEW parties AS
        SELECT * EXCLUDE (rn) FROM (
          SELECT *, row_number() OVER (PARTITION BY party ORDER BY entry DESC, ord DESC) AS rn
          FROM party_versions) WHERE rn = 1""",
]

# Tables whose rows are covered by ledger result hashes. Other stages (labels, findings) add theirs
# with register_table().
DATA_TABLES: list[str] = ["evidence", "events", "party_versions", "labels", "pii", "attributions", "findings",
                          "debts", "debt_flows"]
_EXTRA_DDL: list[str] = []


def register_table(name: str, ddl: str) -> None:
    """Let a later stage (labels, findings, debts) keep its rows in the case under the ledger."""
    if name not in DATA_TABLES:
        DATA_TABLES.append(name)
        _EXTRA_DDL.append(ddl)


def connect(path: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(path, read_only=read_only)
    # Two cores here; DuckDB picks them up itself. Keep memory bounded for big imports.
    con.execute("SET preserve_insertion_order = true")
    if not read_only:
        for stmt in DDL + _EXTRA_DDL:
            con.execute(stmt)
    return con


@contextmanager
def memory_capped(con: duckdb.DuckDBPyConnection, limit: str) -> Iterator[None]:
    """DuckDB's memory limit set to `limit` (such as "256MB") for a block, then back to its default."""
    con.execute(f"SET memory_limit = '{limit}'")
    try:
        yield
    finally:
        con.execute("RESET memory_limit")


def entry_hashes(con: duckdb.DuckDBPyConnection, table: str, seq: int | None = None, *,
                 rows_in_ord_order: bool) -> dict[int, str]:
    """Hash of the rows each ledger entry wrote to `table`, independent of how they are stored.

    A table with an `ord` column (events, party versions, findings, debt flows): sha256 of the
    rows' JSON, one line each, in the order of (ord, JSON). Any other table (labels, personal data,
    attributions, evidence, debts), and every table of a case made before that rule
    (rows_in_ord_order=False, case version 1): sha256 of the sorted hex sha256 of each row's JSON,
    joined. docs/design.md ("Operations, atomicity and the ledger") says why there are two.
    rows_in_ord_order has no default: it is the case's rule (Case.rows_in_ord_order), and a caller
    that forgot it would hash a version 1 case by the wrong one.
    """
    where = "WHERE entry = ?" if seq is not None else ""
    params = [seq] if seq is not None else []
    con.complete()  # a caller's half-read execute() result would block the streamed query (DuckDB 2)
    if rows_in_ord_order and "ord" in _columns(con, table):
        lines = f"SELECT entry, ord, to_json(t)::VARCHAR || chr(10) FROM {table} t {where}"
        digests = _lines(con, lines, params, as_stored=True)
        if digests is None:  # not stored in ord order (never so for an import's events): sort them
            digests = _lines(con, lines + " ORDER BY entry, ord, 3", params, as_stored=False)
    else:
        digests = _sorted_row_hashes(con, table, where, params)
    return {entry: digest.hexdigest() for entry, digest in digests.items()}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                                      "AND schema_name = 'main'", [table]).fetchall()]


def _lines(con: duckdb.DuckDBPyConnection, sql: str, params: list, as_stored: bool) -> dict | None:
    """sha256 per entry of the lines `sql` yields as (entry, ord, line), in its order, each line
    written straight into hashlib, whose SHA-256 uses the CPU's SHA instructions.

    as_stored: `sql` has no ORDER BY, so rows come in the order DuckDB stores them, which for one
    entry's rows is the order they were written in (preserve_insertion_order). None when some
    entry's ords do not strictly rise in it: then that order is not (ord, JSON), and the caller
    sorts. For the 2 million events of a big import this took about half the time of hashing each
    row with DuckDB's SHA-256, which does not use those instructions, and sorting the hashes."""
    digests: dict[int, "hashlib._Hash"] = {}
    last: dict[int, int] = {}
    for batch in con.sql(sql, params=params).to_arrow_reader(_LINE_BATCH):
        entries, ords = batch.column(0).to_numpy(), batch.column(1).to_numpy()
        for a, z in _runs(entries):
            entry, run = int(entries[a]), ords[a:z]
            if as_stored:
                if entry in last and run[0] <= last[entry] or (run[1:] <= run[:-1]).any():
                    con.complete()  # the rest of the stream is not needed
                    return None
                last[entry] = int(run[-1])
            digests.setdefault(entry, hashlib.sha256()).update(_values(batch.column(2).slice(a, z - a)))
    return digests


def _sorted_row_hashes(con: duckdb.DuckDBPyConnection, table: str, where: str, params: list) -> dict:
    """sha256 per entry of the sorted hex sha256 of each row's JSON, joined. The joined hashes are
    streamed into hashlib, so 2 million rows are never held in Python."""
    # Kept as 32 raw bytes, half the hex: bytes sort like their lowercase hex, which is hashed.
    con.execute(f"CREATE OR REPLACE TEMP TABLE _row_hashes AS SELECT entry, unhex(sha256(to_json(t)::VARCHAR)) AS h "
                f"FROM {table} t {where}", params).fetchall()
    try:
        rows = con.execute("SELECT count(*) FROM _row_hashes").fetchall()[0][0]
        # Sorted in slices by the hashes' leading bits, which sort like the whole: one sort of
        # 2 million hashes did not fit the import's memory cap (IMPORT_MEMORY) on two threads.
        bits = 0
        while rows > _SORT_ROWS << bits and bits < 8:
            bits += 1
        digests: dict[int, "hashlib._Hash"] = {}
        for prefix in range(1 << bits):
            lo, hi = prefix << (8 - bits), (prefix + 1) << (8 - bits)
            cond = (f"WHERE h >= '\\x{lo:02x}'::BLOB" + (f" AND h < '\\x{hi:02x}'::BLOB" if hi < 256 else "")) if bits else ""
            for batch in con.sql(f"SELECT entry, h FROM _row_hashes {cond} ORDER BY entry, h").to_arrow_reader(_HASH_BATCH):
                entries = batch.column(0).to_numpy()
                for a, z in _runs(entries):
                    hexes = binascii.hexlify(_values(batch.column(1).slice(a, z - a)))
                    digests.setdefault(int(entries[a]), hashlib.sha256()).update(hexes)
    finally:
        con.execute("DROP TABLE IF EXISTS _row_hashes")
    return digests


def _runs(entries: numpy.ndarray) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of equal values: the rows of one entry in a batch."""
    cuts = [0, *(numpy.flatnonzero(entries[1:] != entries[:-1]) + 1).tolist(), len(entries)]
    return pairwise(cuts)


def _values(arr) -> memoryview:
    """The bytes of a binary or string Arrow array's values, end to end, without a Python object
    per value."""
    kind = arr.type
    if not (pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or pa.types.is_string(kind)
            or pa.types.is_large_string(kind)):
        arr = arr.cast(pa.large_binary())  # a layout without one values buffer (binary views)
    large = pa.types.is_large_binary(arr.type) or pa.types.is_large_string(arr.type)
    width = 8 if large else 4
    offsets = numpy.frombuffer(arr.buffers()[1], dtype=numpy.int64 if large else numpy.int32, count=len(arr) + 1,
                               offset=arr.offset * width)
    return memoryview(arr.buffers()[2])[offsets[0]:offsets[-1]]
