"""Chinese carrier itemized bills: presets, encodings, XLSX, a user's mapping file, bad rows."""

from __future__ import annotations

import pytest
from conftest import run_cli, snapshot
from ingest_helpers import FIXTURES, english, events, import_one  # noqa: F401 (english: autouse fixture)

from dunwatch.errors import UserError
from dunwatch.ingest import carrier_bill, registry

CALLS = [  # (from, to, local time written in the bill, UTC, seconds)
    ("17100000011", "", "2026-02-28T22:41:07+08:00", "2026-02-28 14:41:07", "133"),
    ("", "13900000002", "2026-02-28T23:05:00+08:00", "2026-02-28 15:05:00", "45"),
    ("17951 17100000011", "", "2026-03-01T07:59:30+08:00", "2026-02-28 23:59:30", "3723"),
    ("010-12345678", "", "2026-03-01T08:10:00+08:00", "2026-03-01 00:10:00", "65"),
    ("4008123123", "", "2026-03-01T09:00:00+08:00", "2026-03-01 01:00:00", "30"),
]


@pytest.mark.parametrize("name, count", [("bill_cm_gbk.csv", 5), ("bill_cm_utf16.txt", 5), ("bill_cm_gb18030.csv", 2)])
def test_china_mobile_call_bill_in_each_encoding(case_dir, name, count):
    assert registry.recognise(FIXTURES / name).name == "carrier-bill-csv"
    import_one(case_dir, FIXTURES / name)
    rows = events(case_dir)
    got = [(r["from_party"], r["to_party"], r["at"], r["at_utc"], r["duration_s"]) for r in rows]
    assert got == CALLS[:count]
    assert {r["kind"] for r in rows} == {"call"} and {r["status"] for r in rows} == {"answered"}
    assert rows[0]["raw"]["通信时长"] == "2分13秒" and rows[0]["raw"]["起始时间"] == "2026-02-28 22:41:07"
    if count > 2:
        assert rows[2]["from_e164"] == "+8617100000011"  # IP-dialling prefix stripped in the normal form only


def test_locators_count_title_rows_and_total_row_is_skipped(case_dir):
    import_one(case_dir, FIXTURES / "bill_cm_gbk.csv")
    assert [r["locator"] for r in events(case_dir)] == [f"row {i}" for i in range(4, 9)]  # 2 title rows + header


def test_local_times_use_the_case_time_zone(tmp_path):
    from dunwatch.case import Case

    ny = tmp_path / "ny"
    Case.init(ny, jurisdiction="us", tz="America/New_York").close()
    import_one(ny, FIXTURES / "bill_cm_gb18030.csv")
    assert [r["at"] for r in events(ny)] == ["2026-02-28T22:41:07-05:00", "2026-02-28T23:05:00-05:00"]


def test_sms_bill_with_bom(case_dir):
    import_one(case_dir, FIXTURES / "bill_cm_sms_utf8.csv")
    got = [(r["kind"], r["from_party"], r["to_party"], r["status"], r["at"]) for r in events(case_dir)]
    assert got == [("sms", "10690000123456", "", "received", "2026-02-28T22:00:00+08:00"),
                   ("sms", "", "17100000011", "sent", "2026-02-28T22:10:00+08:00"),
                   ("mms", "17100000011", "", "received", "2026-03-01T10:00:00+08:00")]


def test_xlsx_sheets_typed_cells_and_sheet_locators(case_dir):
    assert registry.recognise(FIXTURES / "bill_cm.xlsx").name == "carrier-bill-xlsx"
    import_one(case_dir, FIXTURES / "bill_cm.xlsx")
    got = [(r["locator"], r["from_party"], r["to_party"], r["at"], r["duration_s"]) for r in events(case_dir)]
    assert got == [("2026年02月 row 4", "17100000011", "", "2026-02-28T22:41:07+08:00", "133"),
                   ("2026年02月 row 5", "", "13900000002", "2026-02-28T23:05:00+08:00", "45"),
                   ("2026年03月 row 2", "17100000011", "", "2026-03-01T07:59:30+08:00", "60"),
                   ("2026年03月 row 3", "", "13900000002", "2026-03-01T12:00:00+08:00", "3")]


def test_mapping_file_for_an_unknown_carrier(case_dir):
    bill = FIXTURES / "bill_custom.csv"
    proc = run_cli("import", str(case_dir), str(bill))
    assert proc.returncode == 2 and "unrecognised file format" in proc.stderr
    proc = run_cli("import", str(case_dir), str(bill), "--columns", str(FIXTURES / "bill_custom.map.json"))
    assert proc.returncode == 0, proc.stderr
    got = [(r["from_party"], r["to_party"], r["at"], r["duration_s"]) for r in events(case_dir)]
    assert got == [("17100000011", "", "2026-03-01T10:15:00+08:00", "75"), ("", "13900000002", "2026-03-01T10:30:00+08:00", "12")]


def test_bad_mapping_file_is_one_line(case_dir, tmp_path):
    bad = tmp_path / "map.json"
    bad.write_text('{"kind": "call", "columns": {"at": "时间"}}', encoding="utf-8")
    proc = run_cli("import", str(case_dir), str(FIXTURES / "bill_custom.csv"), "--columns", str(bad))
    assert proc.returncode == 2 and "bad column mapping file: columns lacks other, direction, duration" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("change, problem", [
    (("2分13秒", "两分钟"), "row 4: duration '两分钟' not understood"),
    (("2026-02-28 23:05:00", "2026-02-30 23:05:00"), "row 5: 起始时间 '2026-02-30 23:05:00' is not a valid time"),
    (("被叫", "转接"), "row 4: direction '转接' is neither caller nor callee"),
])
def test_bad_row_imports_nothing_and_is_named(case_dir, tmp_path, change, problem):
    text = (FIXTURES / "bill_cm_gbk.csv").read_bytes().decode("gbk").replace(*change, 1)
    bad = tmp_path / "bill.csv"
    bad.write_bytes(text.encode("gbk"))
    before = snapshot(case_dir)
    with pytest.raises(UserError, match=problem):
        import_one(case_dir, bad)
    assert snapshot(case_dir) == before


def test_user_presets_are_per_run():
    assert carrier_bill.USER_PRESETS == []  # the CLI test above ran in its own process
