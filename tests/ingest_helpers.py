"""Helpers shared by the tests/test_ingest_*.py files."""

from __future__ import annotations

import json

import pytest
from pathlib import Path

from dunwatch.case import Case
from dunwatch.ingest.importer import import_files

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"


def import_one(case_dir: Path, path: Path):
    with Case.open(case_dir) as c:
        return import_files(c, [path])[0]


def events(case_dir: Path, where: str = "true") -> list[dict]:
    with Case.open(case_dir) as c:
        cur = c.con.execute(f"""SELECT id, kind, from_party, to_party, "at", duration_s, status, text, from_e164, to_e164,
                                       at_utc::VARCHAR AS at_utc, evidence, locator, raw FROM events WHERE {where} ORDER BY entry, ord""")
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
    for r in rows:
        r["raw"] = json.loads(r["raw"]) if r["raw"] else {}
    return rows


def parties(case_dir: Path) -> dict[str, tuple]:
    with Case.open(case_dir) as c:
        return {r[0]: r[1:] for r in c.con.execute("SELECT party, role, name, org, relation, why, locator FROM parties").fetchall()}


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """Messages in English so tests can match them (zh-CN is the default for users)."""
    monkeypatch.setenv("DUNWATCH_LANG", "en")
