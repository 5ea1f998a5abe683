"""The ledger: chained entries, and verify catching each kind of tampering by name."""

import os

import duckdb
import pytest
from conftest import run_cli, write_events, write_parties
from hypothesis import given, settings
from hypothesis import strategies as st

from dunwatch.case import Case, ledger
from dunwatch.case.verify import verify

ROWS = [
    ("c1", "call", "+8617100000011", "+8613800000001", "2026-03-02T22:41:00+08:00", "65", "answered", "", "L1"),
    ("s1", "sms", "+8617100000012", "+8613800000001", "2026-03-03T09:00:00+08:00", "", "", "还钱", "L1"),
]


def _build(case_dir, tmp_path):
    run_cli("import", str(case_dir), str(write_events(tmp_path / "e.csv", ROWS)), check=True)
    run_cli("import", str(case_dir), str(write_parties(tmp_path / "p.csv", [("+8613800000001", "debtor", "", "", "")])), check=True)
    run_cli("party", "tag", str(case_dir), "+8617100000011", "--role", "collector", check=True)
    run_cli("export", str(case_dir), "--events", str(tmp_path / "out.csv"), check=True)


def test_party_tag_says_the_role_in_the_users_language(case_dir):
    zh = run_cli("party", "tag", str(case_dir), "+8617100000011", "--role", "collector", lang="zh-CN", check=True)
    assert zh.stdout.strip() == "+8617100000011 已标记为催收方"
    en = run_cli("party", "tag", str(case_dir), "+8617100000012", "--role", "lender", check=True)
    assert en.stdout.strip() == "+8617100000012 tagged as lender"


def _kinds(case_dir):
    with Case.open(case_dir) as c:
        return sorted({p.kind for p in verify(c).problems})


def test_every_operation_is_a_chained_entry(case_dir, tmp_path):
    _build(case_dir, tmp_path)
    with Case.open(case_dir) as c:
        entries = ledger.entries(c.con)
    assert [e.action for e in entries] == ["case.init", "import", "import", "party.tag", "export"]
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    for before, after in zip(entries, entries[1:]):
        assert after.prev == before.hash
    assert all(e.hash == e.expected_hash() for e in entries)
    proc = run_cli("verify", str(case_dir))
    assert proc.returncode == 0
    assert proc.stdout.strip() == "OK: 2 evidence files, 5 ledger entries"


def _sql(case_dir, sql):
    con = duckdb.connect(str(case_dir / "catalog.duckdb"))
    con.execute(sql)
    con.close()


def test_altered_evidence_file_is_named(case_dir, tmp_path):
    _build(case_dir, tmp_path)
    stored = next(p for p in (case_dir / "evidence").rglob("*") if p.is_file())
    os.chmod(stored, 0o644)
    stored.write_bytes(stored.read_bytes() + b"x")
    proc = run_cli("verify", str(case_dir))
    assert proc.returncode == 1 and f"file altered: evidence/{stored.parent.name}/{stored.name}" in proc.stdout


def test_missing_evidence_file_is_named(case_dir, tmp_path):
    _build(case_dir, tmp_path)
    stored = next(p for p in (case_dir / "evidence").rglob("*") if p.is_file())
    stored.unlink()
    proc = run_cli("verify", str(case_dir))
    assert proc.returncode == 1 and "file missing" in proc.stdout and stored.name in proc.stdout


def test_altered_entry(case_dir, tmp_path):
    _build(case_dir, tmp_path)
    _sql(case_dir, "UPDATE ledger SET action = 'import-ish' WHERE seq = 3")
    assert _kinds(case_dir) == ["entry_altered"]
    proc = run_cli("verify", str(case_dir))
    assert proc.returncode == 1 and "entry altered: #3" in proc.stdout


def test_rehashed_entry_breaks_the_chain(case_dir, tmp_path):
    _build(case_dir, tmp_path)
    with Case.open(case_dir) as c:
        e = ledger.entries(c.con)[2]
    fake_at = "2020-01-01T00:00:00+00:00"
    h = ledger.Entry.compute_hash(e.seq, fake_at, e.action, e.inputs, e.result, e.prev)
    _sql(case_dir, f"UPDATE ledger SET \"at\" = '{fake_at}', hash = '{h}' WHERE seq = 3")
    proc = run_cli("verify", str(case_dir))
    assert proc.returncode == 1 and "chain broken at entry #4" in proc.stdout


def test_removed_entry(case_dir, tmp_path):
    _build(case_dir, tmp_path)
    _sql(case_dir, "DELETE FROM ledger WHERE seq = 2")
    proc = run_cli("verify", str(case_dir))
    assert proc.returncode == 1 and "entry removed: #2" in proc.stdout


def test_removed_last_entry_with_rows_is_caught(case_dir, tmp_path):
    _build(case_dir, tmp_path)
    _sql(case_dir, "DELETE FROM ledger WHERE seq = 4")  # the party tag; its row stays
    _sql(case_dir, "DELETE FROM ledger WHERE seq = 5")
    assert "entry_removed" in _kinds(case_dir)


def test_altered_event_row_is_caught(case_dir, tmp_path):
    _build(case_dir, tmp_path)
    _sql(case_dir, "UPDATE events SET text = '你好' WHERE id = 's1'")
    proc = run_cli("verify", str(case_dir))
    assert proc.returncode == 1 and "data altered: rows written by entry #2" in proc.stdout


def test_deleted_event_row_is_caught(case_dir, tmp_path):
    _build(case_dir, tmp_path)
    _sql(case_dir, "DELETE FROM events WHERE id = 'c1'")
    assert _kinds(case_dir) == ["data_altered"]


def test_altered_settings_are_caught(case_dir, tmp_path):
    path = case_dir / "case.json"
    path.write_text(path.read_text().replace("Asia/Shanghai", "Europe/London"))
    assert _kinds(case_dir) == ["settings_altered"]


# -- properties --------------------------------------------------------------------------------
ops = st.lists(st.sampled_from(["events", "party", "tag", "export"]), min_size=1, max_size=6)


@settings(max_examples=15, deadline=None)
@given(ops=ops, victim=st.integers(min_value=0, max_value=10_000), field=st.sampled_from(["action", "inputs", "result", "prev"]))
def test_any_sequence_verifies_and_any_single_edit_is_caught(tmp_path_factory, ops, victim, field):
    from dunwatch.ingest.importer import import_files
    from dunwatch.interchange.export import export
    from dunwatch.parties.tagging import tag_party

    tmp = tmp_path_factory.mktemp("prop")
    with Case.init(tmp / "case") as c:
        for i, op in enumerate(ops):
            if op == "events":
                import_files(c, [write_events(tmp / f"e{i}.csv", [(f"id{i}", "sms", "a", "b", "2026-01-01T00:00:00Z", "", "", str(i), "")])])
            elif op == "party":
                import_files(c, [write_parties(tmp / f"p{i}.csv", [(f"+861380000{i:04d}", "contact", "", "", "")])])
            elif op == "tag":
                tag_party(c, f"+861710000{i:04d}", "collector")
            else:
                export(c, events=tmp / f"out{i}.csv")
        assert verify(c).ok
        entries = ledger.entries(c.con)
        seq = entries[victim % len(entries)].seq
        if field == "prev" and seq == 1:
            field = "result"
        c.con.execute(f"UPDATE ledger SET {field} = {field} || 'x' WHERE seq = ?", [seq])
        problems = verify(c).problems
    assert problems, f"editing {field} of entry {seq} went unnoticed"


# The definitions docs/design.md gives, each written out in one SQL statement (cases recorded
# earlier must keep verifying, so catalog.entry_hashes has to keep computing exactly these):
# sha256 of the sorted hex sha256 of each row's JSON, joined (every table of a version 1 case;
# tables without `ord` since) ...
SORTED_ROW_HASHES = """SELECT entry, sha256(string_agg(h, '' ORDER BY h)) FROM (
                         SELECT entry, sha256(to_json(t)::VARCHAR) AS h FROM {table} t) GROUP BY entry"""
# ... and, for tables with `ord` from version 2 on, sha256 of the rows' JSON lines in (ord, JSON) order.
LINES_IN_ORD_ORDER = """SELECT entry, sha256(string_agg(j || chr(10), '' ORDER BY ord, j)) FROM (
                          SELECT entry, ord, to_json(t)::VARCHAR AS j FROM {table} t) GROUP BY entry"""


def _documented(con, table: str, rows_in_ord_order: bool) -> dict[int, str]:
    has_ord = con.execute("SELECT count(*) FROM duckdb_columns() WHERE table_name = ? AND column_name = 'ord'",
                          [table]).fetchone()[0]
    sql = LINES_IN_ORD_ORDER if rows_in_ord_order and has_ord else SORTED_ROW_HASHES
    return {int(e): h for e, h in con.execute(sql.format(table=table)).fetchall()}


@pytest.mark.parametrize("rows_in_ord_order", [True, False], ids=["version-2", "version-1"])
@pytest.mark.parametrize("sort_rows", [None, 1])
def test_result_hash_is_the_documented_one_for_every_table(case_dir, tmp_path, monkeypatch, sort_rows,
                                                           rows_in_ord_order):
    # catalog.entry_hashes streams the sorted row hashes into hashlib, sorting big tables in slices
    # (sort_rows=1 forces slices here), and streams rows in ord order as DuckDB stores them.
    _build(case_dir, tmp_path)
    from dunwatch.case import catalog

    if sort_rows:
        monkeypatch.setattr(catalog, "_SORT_ROWS", sort_rows)
    with Case.open(case_dir) as c:
        checked = 0
        for table in catalog.DATA_TABLES:
            documented = _documented(c.con, table, rows_in_ord_order)
            assert catalog.entry_hashes(c.con, table, rows_in_ord_order=rows_in_ord_order) == documented, table
            checked += len(documented)
        assert checked >= 4  # events, two party versions' entries, labels: the comparison saw rows


def test_rows_stored_out_of_ord_order_hash_and_verify_the_same(case_dir, tmp_path):
    # The rows of an import are stored in ord order, and entry_hashes streams them as stored; rows
    # stored in another order (ties in ord included) must give the same hash, by sorting them.
    _build(case_dir, tmp_path)
    from dunwatch.case import catalog

    with Case.open(case_dir) as c:
        def hashed():
            return catalog.entry_hashes(c.con, "events", rows_in_ord_order=True)

        before = hashed()
        c.con.execute("CREATE TEMP TABLE kept AS SELECT * FROM events")
        c.con.execute("DELETE FROM events")
        c.con.execute("INSERT INTO events SELECT * FROM kept ORDER BY ord DESC")
        stored = [r[0] for r in c.con.execute("SELECT ord FROM events").fetchall()]
        assert stored == sorted(stored, reverse=True) and len(stored) == 2  # as this test means them
        assert hashed() == before == _documented(c.con, "events", True)
        assert verify(c).ok
        c.con.execute("UPDATE events SET ord = 1")  # a tie: (ord, JSON) still orders the rows
        assert hashed() == _documented(c.con, "events", True) != before
        assert [p.kind for p in verify(c).problems] == ["data_altered"]


def test_a_case_of_version_1_keeps_its_rule_and_verifies(tmp_path, monkeypatch):
    # Cases made before rows were hashed in ord order (version 1) recorded sorted row hashes for
    # every table; they must still verify, and new entries in them follow the same rule.
    from dunwatch.case import catalog

    old = tmp_path / "old-case"
    monkeypatch.setattr(catalog, "SCHEMA_VERSION", 1)
    Case.init(old).close()
    monkeypatch.undo()
    (tmp_path / "files").mkdir()
    _build(old, tmp_path / "files")
    with Case.open(old) as c:
        assert not c.rows_in_ord_order and verify(c).ok
        events = catalog.entry_hashes(c.con, "events", rows_in_ord_order=False)
        assert events == _documented(c.con, "events", False) != _documented(c.con, "events", True)
    assert run_cli("verify", str(old)).returncode == 0
