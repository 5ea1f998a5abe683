import hashlib
import os
import stat

from conftest import run_cli, write_events

from dunwatch.case import Case
from dunwatch.case import evidence as store

ROW = ("e1", "sms", "+8613800000001", "+8613900000002", "2026-03-02T22:41:00+08:00", "", "", "你好", "")


def test_file_is_stored_byte_for_byte_under_its_sha256_and_read_only(case_dir, tmp_path):
    src = write_events(tmp_path / "events.csv", [ROW])
    data = src.read_bytes()
    assert run_cli("import", str(case_dir), str(src)).returncode == 0
    sha = hashlib.sha256(data).hexdigest()
    stored = case_dir / "evidence" / sha[:2] / sha
    assert stored.read_bytes() == data
    assert not os.stat(stored).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    with Case.open(case_dir) as c:
        assert c.con.execute("SELECT sha256, size, name FROM evidence").fetchall() == [(sha, len(data), "events.csv")]
        assert c.con.execute("SELECT evidence, locator FROM events").fetchall() == [(sha, "row 1")]


def test_re_adding_the_same_bytes_is_a_no_op(case_dir, tmp_path):
    src = write_events(tmp_path / "a.csv", [ROW])
    copy = tmp_path / "renamed.csv"
    copy.write_bytes(src.read_bytes())
    run_cli("import", str(case_dir), str(src), check=True)
    with Case.open(case_dir) as c:
        before = c.con.execute("SELECT count(*) FROM ledger").fetchone()[0]
    proc = run_cli("import", str(case_dir), str(copy), check=True)
    assert "already" in proc.stdout
    with Case.open(case_dir) as c:
        assert c.con.execute("SELECT count(*) FROM ledger").fetchone()[0] == before
        assert c.con.execute("SELECT count(*) FROM evidence").fetchone()[0] == 1
        assert c.con.execute("SELECT count(*) FROM events").fetchone()[0] == 1


def test_store_bytes_repairs_a_damaged_copy(tmp_path):
    data = b"original bytes"
    sha, path = store.store_bytes(tmp_path, data)
    os.chmod(path, 0o644)
    path.write_bytes(b"tampered")
    sha2, path2 = store.store_bytes(tmp_path, data)
    assert (sha2, path2) == (sha, path) and path.read_bytes() == data


def test_discard_leaves_no_trace_but_keeps_what_shares_the_folder(tmp_path):
    # A failed import undoes what it stored: its files, and their folder (evidence/ab/) when the
    # case stored nothing else there, or the case would not be exactly as it was.
    first, created = b"stored by a failed import", []
    sha, path = store.store_bytes(tmp_path, first, created)
    store.discard(created)
    assert not path.exists() and not path.parent.exists()
    _, kept = store.store_bytes(tmp_path, b"kept")
    # A second file in the kept file's folder, as a failed import would store it.
    other = kept.parent / ("0" * 64)
    other.write_bytes(b"x")
    store.discard([other])
    assert kept.read_bytes() == b"kept" and not other.exists()
