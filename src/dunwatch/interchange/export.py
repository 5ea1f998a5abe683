"""Write a case's events and parties back out as interchange files (recorded in the ledger)."""

from __future__ import annotations

import os
from pathlib import Path

from dunwatch.case import Case
from dunwatch.case import evidence as store
from dunwatch.interchange import EVENTS_COLUMNS, PARTIES_COLUMNS
from dunwatch.interchange.csvfile import write_rows

EVENTS_SQL = """SELECT id, kind, from_party, to_party, "at", duration_s, status, text, debt
                FROM events ORDER BY entry, ord"""
# Parties in the order they first appeared, each with its current values.
PARTIES_SQL = """SELECT p.party, p.role, p.name, p.org, p.relation FROM parties p
                 JOIN (SELECT party, min(entry * 1000000000 + ord) AS first FROM party_versions GROUP BY party) f
                 USING (party) ORDER BY f.first"""


def _rows(con, sql: str):
    cur = con.execute(sql)
    while batch := cur.fetchmany(50_000):
        yield from batch


def _write(path: Path, header, con, sql) -> int:
    tmp = path.with_name(f".{path.name}.tmp")
    n = write_rows(tmp, header, _rows(con, sql))
    os.replace(tmp, path)
    return n


def export(case: Case, events: str | Path | None = None, parties: str | Path | None = None) -> dict[str, int]:
    """Export events and/or parties; returns rows written per file."""
    written: dict[str, int] = {}
    hashes: dict[str, str] = {}
    if events:
        written[str(events)] = _write(Path(events), EVENTS_COLUMNS, case.con, EVENTS_SQL)
        hashes["events.csv"] = store.sha256_file(events)
    if parties:
        written[str(parties)] = _write(Path(parties), PARTIES_COLUMNS, case.con, PARTIES_SQL)
        hashes["parties.csv"] = store.sha256_file(parties)
    with case.transaction():
        case.record(case.next_seq(), "export", {"files": {k: Path(p).name for k, p in zip(hashes, written)}}, hashes)
    return written
