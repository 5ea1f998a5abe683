"""Android and iPhone databases built with the real table layouts (tests/fixtures/ingest/README.md)."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from conftest import snapshot
from ingest_helpers import FIXTURES, english, events, import_one  # noqa: F401 (english: autouse fixture)

from dunwatch.errors import UserError
from dunwatch.ingest import registry


@pytest.mark.parametrize("name, reader", [
    ("calllog.db", "android-calllog"), ("mmssms.db", "android-mmssms"), ("contacts2.db", "android-contacts"),
    ("sms.db", "ios-sms"), ("CallHistory.storedata", "ios-callhistory"), ("AddressBook.sqlitedb", "ios-addressbook"),
])
def test_recognised_by_content_not_name(tmp_path, name, reader):
    renamed = tmp_path / "evidence.bin"
    shutil.copy(FIXTURES / name, renamed)
    assert registry.recognise(renamed).name == reader


def test_android_calllog(case_dir):
    import_one(case_dir, FIXTURES / "calllog.db")
    got = [(r["locator"], r["from_party"], r["to_party"], r["status"], r["duration_s"], r["at_utc"]) for r in events(case_dir)]
    assert got == [
        ("calls row 1", "17100000011", "", "answered", "65", "2026-02-28 12:00:00"),
        ("calls row 2", "17100000011", "", "missed", "0", "2026-02-28 13:00:00"),
        ("calls row 3", "+86 171 0000 0011", "", "rejected", "0", "2026-02-28 13:01:00"),
        ("calls row 4", "", "13900000002", "answered", "120", "2026-02-28 14:01:00"),
        ("calls row 5", "", "", "answered", "0", "2026-02-28 15:01:00"),   # restricted caller: presentation 2 in raw
        ("calls row 6", "95588", "", "rejected", "30", "2026-02-28 16:01:00"),  # 6 = blocked
    ]
    assert events(case_dir)[4]["raw"]["presentation"] == "2"


def test_android_mmssms_sms_and_mms_with_pdu_dates_in_seconds(case_dir):
    import_one(case_dir, FIXTURES / "mmssms.db")
    rows = events(case_dir)
    assert [r["locator"] for r in rows] == ["sms row 1", "sms row 2", "sms row 3", "pdu row 1/to[1]", "pdu row 1/to[2]"]
    assert rows[1]["text"] == "再不还钱就爆你通讯录 😠 说到做到" and rows[1]["at"] == "2026-02-28T23:00:00.123+08:00"
    mms = rows[3]
    assert (mms["kind"], mms["from_party"], mms["to_party"], mms["at_utc"]) == ("mms", "+8617100000011", "+8613800000001", "2026-02-28 18:00:00")
    assert mms["text"] == "这是你的照片，已经发给你全家了" and mms["raw"]["date"] == "1772301600"
    assert mms["raw"]["attachments"] == "PART_1772301600_image000000.png"


def test_same_message_from_backup_and_database_is_one_event(case_dir):
    import_one(case_dir, FIXTURES / "sms_pitfalls.xml")
    result = import_one(case_dir, FIXTURES / "mmssms.db")
    # sms rows 1 and 3 and the MMS are in the XML too (numbers written differently); sms row 2's text differs
    # (the XML's lone surrogate became U+FFFD), so it is a new event.
    assert result.events == 1


def test_ios_sms_nanoseconds_seconds_and_attributed_body(case_dir):
    import_one(case_dir, FIXTURES / "sms.db")
    rows = events(case_dir)
    got = [(r["locator"], r["kind"], r["from_party"], r["to_party"], r["at_utc"]) for r in rows]
    assert got == [
        ("message row 1", "sms", "+8617100000011", "", "2026-02-28 14:00:00"),
        ("message row 2", "sms", "+8617100000011", "", "2026-02-28 15:00:00"),
        ("message row 3", "chat", "", "+8613900000002", "2026-02-28 16:00:00"),
        ("message row 4", "sms", "+8617100000011", "", "2026-02-28 17:00:00"),
    ]
    assert rows[1]["text"] == "再不还钱就爆你通讯录，说到做到"  # text NULL: read from attributedBody
    assert rows[1]["raw"]["attachments"] == "IMG_0001.jpeg"


def test_ios_call_history(case_dir):
    import_one(case_dir, FIXTURES / "CallHistory.storedata")
    got = [(r["from_party"], r["to_party"], r["status"], r["duration_s"], r["at"]) for r in events(case_dir)]
    assert got == [
        ("+8617100000011", "", "answered", "65", "2026-02-28T20:00:00.250+08:00"),
        ("17100000011", "", "missed", "0", "2026-02-28T21:00:00+08:00"),
        ("", "+8613900000002", "answered", "120", "2026-02-28T22:01:00+08:00"),  # ZADDRESS as a blob
        ("", "me@example.com", "failed", "0", "2026-02-28T23:01:00+08:00"),      # FaceTime audio
    ]


def test_database_with_a_bad_row_imports_nothing_and_names_it(case_dir, tmp_path):
    bad = tmp_path / "calllog.db"
    shutil.copy(FIXTURES / "calllog.db", bad)
    with sqlite3.connect(bad) as con:
        con.execute("UPDATE calls SET date = 'soon' WHERE _id = 3")
    con.close()
    before = snapshot(case_dir)
    with pytest.raises(UserError, match=r"calllog.db: calls row 3: date 'soon' is not a valid time"):
        import_one(case_dir, bad)
    assert snapshot(case_dir) == before


def test_evidence_database_is_not_touched(case_dir, tmp_path):
    folder = tmp_path / "phone"
    folder.mkdir()
    db = folder / "sms.db"
    shutil.copy(FIXTURES / "sms.db", db)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    import_one(case_dir, db)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # no -wal/-shm/-journal, same bytes
