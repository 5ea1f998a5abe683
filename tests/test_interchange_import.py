"""events.csv / parties.csv: import, exact round trip, and clear one-line errors that change nothing."""

import pytest
from conftest import run_cli, snapshot, write_events, write_parties

from dunwatch.case import Case
from dunwatch.interchange import EVENTS_COLUMNS

GOOD = [
    ("c1", "call", "+86 138 0000 0001", "+8613900000002", "2026-03-02T22:41:00+08:00", "65", "answered", "", "L1"),
    ("s1", "sms", "017100000012", "13800000001", "2026-03-03T01:00:00Z", "", "", '他说："还钱，\n否则上门"', "L1"),
]


def test_import_and_export_round_trip_exactly(case_dir, tmp_path):
    events = write_events(tmp_path / "events.csv", GOOD)
    parties = write_parties(tmp_path / "parties.csv", [("+8613800000001", "debtor", "张三", "", ""),
                                                       ("+8613900000002", "contact", "李四", "", "母亲")])
    proc = run_cli("import", str(case_dir), str(events), str(parties))
    assert proc.returncode == 0, proc.stderr
    assert "read by events.csv, 2 new events" in proc.stdout
    run_cli("export", str(case_dir), "--events", str(tmp_path / "o1.csv"), "--parties", str(tmp_path / "o2.csv"), check=True)
    assert (tmp_path / "o1.csv").read_bytes() == events.read_bytes()
    assert (tmp_path / "o2.csv").read_bytes() == parties.read_bytes()


def test_events_are_normalised_and_queryable_as_arrow(case_dir, tmp_path):
    from dunwatch.ingest.importer import import_files

    with Case.open(case_dir) as c:
        import_files(c, [write_events(tmp_path / "e.csv", GOOD)])
        table = c.events().to_arrow_table()
        rows = c.con.execute("SELECT id, from_e164, to_e164, at_utc::VARCHAR, duration FROM events ORDER BY id").fetchall()
    assert table.num_rows == 2 and "at_utc" in table.column_names
    assert rows == [("c1", "+8613800000001", "+8613900000002", "2026-03-02 14:41:00", 65.0),
                    ("s1", "+8617100000012", "+8613800000001", "2026-03-03 01:00:00", None)]


def test_header_recognises_the_file_whatever_its_name(case_dir, tmp_path):
    odd = write_events(tmp_path / "my export.txt", GOOD)
    proc = run_cli("import", str(case_dir), str(odd))
    assert proc.returncode == 0 and "events.csv" in proc.stdout


def _big_with_bad_line(tmp_path, bad_at_line: int):
    rows = [(f"id{i}", "sms", "a", "b", "2026-03-03T01:00:00+08:00", "", "", f"m{i}", "") for i in range(1, 1000)]
    i = bad_at_line - 2  # line 1 is the header
    rows[i] = rows[i][:4] + ("2026-02-30T25:00:00+08:00",) + rows[i][5:]
    return write_events(tmp_path / "events.csv", rows)


@pytest.mark.parametrize("make, problem", [
    (lambda p: p / "absent.csv", "absent.csv: file not found"),
    (lambda p: _big_with_bad_line(p, 812), "events.csv: line 812: bad at '2026-02-30T25:00:00+08:00'"),
    (lambda p: write_events(p / "events.csv", [GOOD[0][:4] + ("2026-03-02 22:41",) + GOOD[0][5:]]), "line 2: bad at"),
    (lambda p: write_events(p / "events.csv", [GOOD[0][:1] + ("fax",) + GOOD[0][2:]]), "line 2: bad kind 'fax'"),
    (lambda p: write_events(p / "events.csv", [GOOD[0][:6] + ("picked up",) + GOOD[0][7:]]), "bad status 'picked up'"),
    (lambda p: write_events(p / "events.csv", [GOOD[0][:5] + ("-3",) + GOOD[0][6:]]), "bad duration_s '-3'"),
    (lambda p: write_events(p / "events.csv", [GOOD[0], GOOD[0]]), "line 3: id 'c1' appears twice"),
    (lambda p: write_parties(p / "parties.csv", [("x", "boss", "", "", "")]), "line 2: bad role 'boss'"),
])
def test_bad_input_gets_one_line_and_changes_nothing(case_dir, tmp_path, make, problem):
    run_cli("import", str(case_dir), str(write_events(tmp_path / "first.csv", [GOOD[1]])), check=True)
    before = snapshot(case_dir)
    bad = make(tmp_path)
    proc = run_cli("import", str(case_dir), str(bad))
    assert proc.returncode == 2
    errors = [line for line in proc.stderr.splitlines() if line.startswith("dunwatch:")]
    assert len(errors) == 1 and problem in errors[0], proc.stderr
    assert "Traceback" not in proc.stderr
    assert snapshot(case_dir) == before


def test_wrong_columns_and_non_utf8_and_broken_quoting(case_dir, tmp_path):
    before = snapshot(case_dir)
    cols = tmp_path / "cols.csv"
    cols.write_text("id,kind,from,to,at,duration_s,text,debt,extra\n")
    latin = tmp_path / "latin.csv"
    latin.write_bytes((",".join(EVENTS_COLUMNS) + "\n" + "a,sms,x,y,2026-03-03T01:00:00Z,,,").encode() + "café".encode("latin-1") + b",\n")
    quote = tmp_path / "quote.csv"
    quote.write_text(",".join(EVENTS_COLUMNS) + '\na,sms,x,y,2026-03-03T01:00:00Z,,,"never closed,\n')
    cases = {cols: "wrong columns: missing status; unexpected extra", latin: "line 2 is not valid UTF-8", quote: "line 2"}
    for path, problem in cases.items():
        proc = run_cli("import", str(case_dir), str(path))
        assert proc.returncode == 2 and problem in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
    assert snapshot(case_dir) == before


def test_one_bad_file_in_a_batch_lands_nothing(case_dir, tmp_path):
    before = snapshot(case_dir)
    good = write_events(tmp_path / "good.csv", GOOD)
    bad = write_events(tmp_path / "bad.csv", [GOOD[0][:1] + ("fax",) + GOOD[0][2:]])
    proc = run_cli("import", str(case_dir), str(good), str(bad))
    assert proc.returncode == 2
    assert snapshot(case_dir) == before


def test_same_id_with_other_content_is_refused_and_same_content_skipped(case_dir, tmp_path):
    run_cli("import", str(case_dir), str(write_events(tmp_path / "a.csv", GOOD)), check=True)
    overlap = write_events(tmp_path / "b.csv", [GOOD[0], ("n1", "sms", "a", "b", "2026-03-04T00:00:00Z", "", "", "x", "")])
    proc = run_cli("import", str(case_dir), str(overlap))
    assert proc.returncode == 0 and "1 new events" in proc.stdout
    clash = write_events(tmp_path / "c.csv", [GOOD[0][:7] + ("changed",) + GOOD[0][8:]])
    proc = run_cli("import", str(case_dir), str(clash))
    assert proc.returncode == 2 and "id 'c1' is already in the case with different content" in proc.stderr
