"""SMS Backup & Restore XML: the real sample, the known pitfalls, locators, attachments, re-import,
and one clear line naming the first problem of a half-broken file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import run_cli, shared_dir, snapshot
from ingest_helpers import FIXTURES, english, events, import_one  # noqa: F401 (english: autouse fixture)

from dunwatch.case import Case
from dunwatch.case.evidence import stored_path
from dunwatch.errors import UserError
from dunwatch.ingest.xmlstream import RepairedXml, repair_refs


def sample() -> Path:
    # The real export must be there (CI clones shared/ beside the repository): a missing sample
    # fails this test rather than skipping it.
    path = shared_dir() / "samples" / "sms-backup-reader-2" / "sms_small.xml"
    assert path.is_file(), f"real sample missing: {path}"
    return path


def test_real_sample_imports_with_utc_times_raw_values_and_locators(case_dir):
    src = sample()
    proc = run_cli("import", str(case_dir), str(src))
    assert proc.returncode == 0, proc.stderr
    assert "read by sms-backup-restore, 12 new events" in proc.stdout
    assert "[sms-backup-restore]" in proc.stderr  # which reader took the file
    rows = events(case_dir)
    assert [r["locator"] for r in rows] == [f"sms[{i}]" for i in range(1, 13)]
    first = rows[0]
    # date="1512226167463" is 2017-12-02 14:49:27.463 UTC; the case's zone is Asia/Shanghai.
    assert first["at_utc"] == "2017-12-02 14:49:27.463"
    assert first["at"] == "2017-12-02T22:49:27.463+08:00"
    assert first["raw"]["date"] == "1512226167463" and first["raw"]["contact_name"] == "Contact A"
    assert (first["kind"], first["from_party"], first["to_party"], first["status"]) == ("sms", "+15550000001", "", "received")
    sent = rows[4]
    assert (sent["from_party"], sent["to_party"], sent["status"], sent["raw"]["date_sent"]) == ("", "+15550000001", "sent", "0")
    assert rows[9]["text"] == "Body text 10\nBody text 11\nBody text 12"  # &#10; newlines
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    assert {r["evidence"] for r in rows} == {sha}
    assert stored_path(case_dir, sha).read_bytes() == src.read_bytes()  # original byte for byte


def test_importing_twice_adds_nothing(case_dir, tmp_path):
    import_one(case_dir, sample())
    before = snapshot(case_dir)
    assert import_one(case_dir, sample()).already
    assert snapshot(case_dir) == before
    # The same messages in another file (a later backup that repeats them) add nothing either.
    copy = tmp_path / "sms-later.xml"
    copy.write_bytes(sample().read_bytes().replace(b'backup_set="97e66a20', b'backup_set="00000000'))
    result = import_one(case_dir, copy)
    assert not result.already and result.events == 0


def test_pitfalls(case_dir):
    result = import_one(case_dir, FIXTURES / "sms_pitfalls.xml")
    rows = events(case_dir)
    by_loc = {r["locator"]: r for r in rows}
    # A surrogate pair becomes its emoji; a lone half becomes U+FFFD instead of stopping the parser.
    assert by_loc["sms[2]"]["text"] == "再不还钱就爆你通讯录 \U0001F620\ufffd 说到做到"
    # "null" means absent (contact_name, body); a group send to two people is two events.
    assert by_loc["sms[2]"]["raw"]["contact_name"] is None
    assert by_loc["sms[4]"]["text"] == "" and by_loc["sms[4]"]["from_party"] == "95588"
    assert [by_loc[f"sms[3]/to[{i}]"]["to_party"] for i in (1, 2)] == ["+8613900000002", "+8613700000003"]
    # MMS: date in ms, date_sent in seconds (kept raw); recipients from <addr> 151 and 130; SMIL skipped.
    mms = [r for r in rows if r["locator"].startswith("mms[1]")]
    assert [r["to_party"] for r in mms] == ["+8613800000001", "+8613900000002", "+8613600000004"]
    assert mms[0]["from_party"] == "+8617100000011" and mms[0]["text"] == "这是你的照片，已经发给你全家了"
    assert mms[0]["at_utc"] == "2026-02-28 18:00:00" and mms[0]["raw"]["date_sent"] == "1772301599"
    # The base64 PNG part is evidence of its own, pointing back to its part; the empty data="" part is not.
    assert result.attachments == 1
    with Case.open(case_dir) as c:
        (sha, name, parent, locator), = c.con.execute(
            "SELECT sha256, name, parent, locator FROM evidence WHERE parent IS NOT NULL").fetchall()
    assert (name, parent, locator) == ("image000000.png", result.sha256, "mms[1]/part[2]")
    assert stored_path(case_dir, sha).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert mms[0]["raw"]["attachments"] == sha
    # An RCS group sent from this phone.
    rcs = by_loc["mms[2]"]
    assert (rcs["from_party"], rcs["to_party"], rcs["status"], rcs["text"]) == ("", "+8617100000011", "sent", "收到")
    # The last <sms> repeats sms[1] (a backup restored twice): one event, at its first place.
    assert len(rows) == 9 and "sms[5]" not in by_loc


def test_calls_backup(case_dir):
    import_one(case_dir, FIXTURES / "calls.xml")
    rows = events(case_dir)
    got = [(r["locator"], r["from_party"], r["to_party"], r["status"], r["duration_s"]) for r in rows]
    assert got == [
        ("call[1]", "+8617100000011", "", "answered", "65"),
        ("call[2]", "+8617100000011", "", "missed", "0"),
        ("call[3]", "+8617100000011", "", "rejected", "0"),
        ("call[4]", "", "013800000001", "answered", "120"),
        ("call[5]", "-2", "", "missed", "0"),          # a restricted number: kept as written, presentation raw
        ("call[6]", "4008123123", "", "answered", "30"),  # 7 = answered externally
        ("call[7]", "", "17951 13900000002", "failed", "0"),
    ]
    assert rows[4]["raw"]["presentation"] == "2"
    assert rows[6]["to_e164"] == "+8613900000002" and rows[3]["to_e164"] == "+8613800000001"


def _half_broken(tmp_path: Path, text: str) -> Path:
    good = sample().read_text(encoding="utf-8")
    bad = tmp_path / "half.xml"
    bad.write_text(good.replace('date="1512236370051"', text, 1), encoding="utf-8")
    return bad


@pytest.mark.parametrize("replacement, problem", [
    ('date="yesterday"', "sms[5]: date 'yesterday' is not a valid time"),
    ('date="null"', "sms[5]: date 'null' is not a valid time"),
    ('date="1512236370051" date="1"', "XML syntax error (after sms[4])"),
])
def test_half_broken_file_imports_nothing_and_names_the_first_problem(case_dir, tmp_path, replacement, problem):
    before = snapshot(case_dir)
    bad = _half_broken(tmp_path, replacement)
    proc = run_cli("import", str(case_dir), str(bad))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("dunwatch:")]
    assert len(errors) == 1 and str(bad) in errors[0] and problem in errors[0], proc.stderr
    assert snapshot(case_dir) == before


def test_truncated_file_is_refused_whole(case_dir, tmp_path):
    data = sample().read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data[: len(data) * 2 // 3])
    before = snapshot(case_dir)
    with pytest.raises(UserError, match=r"line \d+: XML syntax error \(after sms\[\d+\]\)"):
        import_one(case_dir, cut)
    assert snapshot(case_dir) == before


def test_utf16_file_is_read(case_dir, tmp_path):
    text = sample().read_text(encoding="utf-8").replace("encoding='UTF-8'", "encoding='UTF-16'")
    path = tmp_path / "utf16.xml"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    assert import_one(case_dir, path).events == 12


def test_doctype_is_refused(case_dir, tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE smses [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
                    '<smses><sms date="1512226167463" type="1" address="1" body="&b;"/></smses>')
    with pytest.raises(UserError, match="DOCTYPE"):
        import_one(case_dir, bomb)


@pytest.mark.parametrize("chunk", [1, 3, 7, 64])
def test_reference_repair_survives_any_chunk_boundary(tmp_path, chunk):
    body = b"<smses><sms body=\"a&#55357;&#56864;b&#55357;c&#1;d&#10;&#xD83D;&#xDE00;&amp;\"/></smses>"
    path = tmp_path / "x.xml"
    path.write_bytes(body)
    stream = RepairedXml(path)
    out = b""
    while data := stream.read(chunk):
        out += data
    assert out == repair_refs(body)
    assert out == b"<smses><sms body=\"a&#128544;b&#65533;c&#65533;d&#10;&#128512;&amp;\"/></smses>"


def test_reference_repair_checks_every_reference_xml_may_reject():
    # Leading zeros still pair; U+FFFF and code points past U+10FFFF are not XML characters;
    # the largest code point and everyday references stay as written.
    body = b"a&#055357;&#056864;b&#65535;c&#1114111;d&#1114112;e&#10;&#9;&#57343;&#x10FFFF;&#x110000;"
    assert repair_refs(body) == b"a&#128544;b&#65533;c&#1114111;d&#65533;e&#10;&#9;&#65533;&#x10FFFF;&#65533;"


@pytest.mark.parametrize("caps", [("1KB",), ("1KB", "1KB", "256MB")])
def test_import_retries_with_more_memory_when_duckdb_runs_out(case_dir, monkeypatch, caps):
    # A cap far below what DuckDB needs makes the real OutOfMemoryException happen; each try rolls
    # back and the next runs with the next cap, then with DuckDB's own limit.
    from dunwatch.ingest import importer

    from dunwatch.case import catalog

    monkeypatch.setattr(importer, "IMPORT_MEMORY", caps)
    limits, calls = [], []
    capped, real = catalog.memory_capped, importer._import_all
    monkeypatch.setattr(catalog, "memory_capped", lambda con, limit: limits.append(limit) or capped(con, limit))
    monkeypatch.setattr(importer, "_import_all", lambda *a: calls.append(1) or real(*a))
    told = []
    with Case.open(case_dir) as c:
        assert importer.import_files(c, [sample()], on_retry=lambda: told.append(1))[0].events == 12
    if caps[-1] == "1KB":  # the cap failed: the second try ran at DuckDB's own limit
        assert limits == ["1KB"] and len(calls) == 2
    else:  # the third cap was enough
        assert limits == ["1KB", "1KB", "256MB"] and len(calls) == 3
    assert len(told) == len(calls) - 1  # the user is told of each retry (the CLI prints a line)
    assert len(events(case_dir)) == 12
    with Case.open(case_dir) as c:
        assert c.con.execute("SELECT count(*) FROM ledger WHERE action = 'import'").fetchone()[0] == 1
        assert c.con.execute("SELECT count(*) FROM evidence").fetchone()[0] == 1
        # The cap is lifted again afterwards.
        assert c.con.execute("SELECT current_setting('memory_limit')").fetchone()[0] != "1.0 KiB"


def test_import_under_the_memory_cap(case_dir, monkeypatch):
    from dunwatch.ingest import importer

    calls = []
    real = importer._import_all
    monkeypatch.setattr(importer, "_import_all", lambda *a: calls.append(1) or real(*a))
    assert import_one(case_dir, sample()).events == 12
    assert calls == [1]  # no retry needed at the real cap


def test_import_out_of_memory_even_uncapped_is_one_line_and_changes_nothing(case_dir, monkeypatch):
    # The real OutOfMemoryException on both tries: a cap on the first, and DuckDB's own limit set
    # just as low for the second (standing in for a machine without enough RAM).
    from dunwatch.ingest import importer

    monkeypatch.setattr(importer, "IMPORT_MEMORY", ("1KB",))
    real = importer._import_all

    def starved(case, *rest):
        case.con.execute("SET memory_limit = '1KB'")
        try:
            return real(case, *rest)
        finally:
            case.con.execute("RESET memory_limit")

    monkeypatch.setattr(importer, "_import_all", starved)
    before = snapshot(case_dir)
    with pytest.raises(UserError, match="not enough memory"):
        import_one(case_dir, sample())
    assert snapshot(case_dir) == before


def test_the_cli_says_when_it_imports_again_with_more_memory(case_dir, monkeypatch):
    # In process (click's runner), so the cap can be set far too low for the first try.
    from click.testing import CliRunner

    from dunwatch.cli import cli
    from dunwatch.ingest import importer

    monkeypatch.setattr(importer, "IMPORT_MEMORY", ("1KB",))
    result = CliRunner().invoke(cli, ["--lang", "en", "import", str(case_dir), str(sample())])
    assert result.exit_code == 0, result.output
    assert "importing again with more memory" in result.stderr
    assert len(events(case_dir)) == 12


def test_events_written_straight_into_the_case_match_the_merged_path(case_dir, tmp_path):
    # Phone exports write their events into `events` while reading (ingest/staging.py); events.csv
    # goes through the staging table and the importer's merge. The same events must come out with
    # the same normal forms either way (UTC time, duration, E.164 and the owner's number for "this
    # phone"), and the ledger must verify the rows written straight in.
    from dunwatch.case.verify import verify
    from dunwatch.ingest.importer import import_files
    from dunwatch.interchange.export import export

    owner = "+8617100000099"
    with Case.open(case_dir) as c:
        import_files(c, [FIXTURES / "sms_pitfalls.xml", FIXTURES / "calls.xml"], options={"owner": owner})
        assert not verify(c).problems
        export(c, events=tmp_path / "events.csv", parties=tmp_path / "parties.csv")
    direct = events(case_dir)
    assert {r["from_e164"] for r in direct if r["from_party"] == ""} == {owner}
    assert any(r["kind"] == "call" for r in direct)
    with Case.init(tmp_path / "merged") as c:
        import_files(c, [tmp_path / "events.csv"], options={"owner": owner})
    merged = events(tmp_path / "merged")
    cols = ("id", "kind", "at", "duration_s", "status", "text", "from_e164", "to_e164", "at_utc")
    assert [tuple(r[k] for k in cols) for r in direct] == [tuple(r[k] for k in cols) for r in merged]
    with Case.open(tmp_path / "merged") as c:
        durations = c.con.execute("SELECT list(duration ORDER BY ord) FROM events").fetchone()[0]
    with Case.open(case_dir) as c:
        assert c.con.execute("SELECT list(duration ORDER BY entry, ord) FROM events").fetchone()[0] == durations
