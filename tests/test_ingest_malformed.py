"""Hostile and damaged inputs: truncated files, wrong encodings, entity bombs, junk bytes, flipped
bytes in databases. Each gives one UserError (never another exception, never a traceback) and leaves
the case exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_helpers import FIXTURES, english  # noqa: F401 (english: autouse fixture)

from dunwatch.case import Case
from dunwatch.errors import UserError
from dunwatch.ingest.importer import import_files

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
MAGICS = [b"", b"SQLite format 3\x00", b"PK\x03\x04", b"<?xml version='1.0' encoding='UTF-8'?>\n<smses>",
          b"<calls>", b"BEGIN:VCARD\r\n", "起始时间,对方号码,通信方式,通信时长\n".encode("gbk"), b"\xff\xfe<\x00s\x00"]


def _quick_state(case_dir: Path) -> tuple:
    files = sorted(str(p) for p in (case_dir / "evidence").rglob("*") if p.is_file())
    with Case.open(case_dir) as c:
        counts = tuple(c.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("ledger", "evidence", "events", "party_versions"))
    return counts, files


def _attempt(case_dir: Path, path: Path, must_fail: bool) -> None:
    before = _quick_state(case_dir)
    try:
        with Case.open(case_dir) as c:
            import_files(c, [path])
    except UserError as e:
        assert "\n" not in str(e) and str(path) in str(e)
        assert _quick_state(case_dir) == before
        return
    assert not must_fail, f"{path.name} was accepted"


@SETTINGS
@given(data=st.data())
def test_truncated_xml_is_always_refused(case_dir, tmp_path, data):
    name = data.draw(st.sampled_from(["sms_pitfalls.xml", "calls.xml"]))
    raw = (FIXTURES / name).read_bytes()
    cut = data.draw(st.integers(1, raw.rindex(b"</") - 1))
    path = tmp_path / "cut.xml"
    path.write_bytes(raw[:cut])
    _attempt(case_dir, path, must_fail=True)


@SETTINGS
@given(junk=st.binary(min_size=1, max_size=3000), magic=st.sampled_from(MAGICS))
def test_junk_bytes_never_escape_as_tracebacks(case_dir, tmp_path, junk, magic):
    path = tmp_path / "junk.bin"
    path.write_bytes(magic + junk)
    _attempt(case_dir, path, must_fail=False)


@SETTINGS
@given(data=st.data())
def test_flipped_bytes_in_databases_and_workbooks(case_dir, tmp_path, data):
    name = data.draw(st.sampled_from(["calllog.db", "mmssms.db", "sms.db", "CallHistory.storedata", "contacts2.db", "bill_cm.xlsx"]))
    raw = bytearray((FIXTURES / name).read_bytes())
    for _ in range(data.draw(st.integers(1, 20))):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] = data.draw(st.integers(0, 255))
    path = tmp_path / name
    path.write_bytes(bytes(raw))
    _attempt(case_dir, path, must_fail=False)


@SETTINGS
@given(encoding=st.sampled_from(["gbk", "gb18030", "big5", "utf-16-le", "utf-16-be", "utf-32"]))
def test_xml_in_the_wrong_encoding_is_refused(case_dir, tmp_path, encoding):
    text = (FIXTURES / "sms_pitfalls.xml").read_text(encoding="utf-8").replace("&#55357;", "")  # keep it encodable
    path = tmp_path / "wrong.xml"
    path.write_bytes(text.encode(encoding, errors="replace"))  # still says encoding='UTF-8'
    _attempt(case_dir, path, must_fail=encoding in ("gbk", "gb18030", "big5", "utf-32"))


BOMBS = [
    '<?xml version="1.0"?><!DOCTYPE smses [<!ENTITY a "{x}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><smses><sms date="1512226167463" type="1" address="1" body="&c;"/></smses>',
    '<?xml version="1.0"?><!DOCTYPE calls [<!ENTITY x SYSTEM "file:///etc/passwd">]><calls><call number="&x;" date="1512226167463" type="1" duration="1"/></calls>',
    '<?xml version="1.0"?><!DOCTYPE smses SYSTEM "http://example.invalid/sms.dtd"><smses/>',
    '<?xml version="1.0"?><smses><sms date="1512226167463" type="1" address="1" body="&undefined;"/></smses>',
]


@SETTINGS
@given(bomb=st.sampled_from(BOMBS), x=st.text(alphabet="ab", min_size=1, max_size=50))
def test_entity_bombs_and_external_entities_are_refused(case_dir, tmp_path, bomb, x):
    path = tmp_path / "bomb.xml"
    path.write_text(bomb.replace("{x}", x), encoding="utf-8")
    _attempt(case_dir, path, must_fail=True)


def test_cli_shows_one_line_for_junk_and_the_case_is_unchanged(case_dir, tmp_path):
    before = snapshot(case_dir)
    for i, data in enumerate([b"SQLite format 3\x00" + b"\x00" * 200, b"PK\x03\x04garbage", b"<smses><sms date='1'",
                              (FIXTURES / "sms_pitfalls.xml").read_bytes()[:700]]):
        path = tmp_path / f"bad{i}"
        path.write_bytes(data)
        proc = run_cli("import", str(case_dir), str(path))
        errors = [line for line in proc.stderr.splitlines() if line.startswith("dunwatch:")]
        assert proc.returncode == 2 and len(errors) == 1 and str(path) in errors[0], proc.stderr
        assert "Traceback" not in proc.stderr
    assert snapshot(case_dir) == before
