"""Big exports are read in a child process (ingest/parse_worker.py) while the import stages them:
the case must come out exactly as when the reader runs in the importing process, and every way the
child can fail must end as one line naming the file, with the case unchanged.

CHILD_FROM is set to 0 here so that the small fixtures take the child path a 1 GB backup takes.
"""

from __future__ import annotations

import subprocess

import pytest
from conftest import snapshot
from ingest_helpers import FIXTURES, english, import_one  # noqa: F401 (english: autouse fixture)

from dunwatch.case import Case
from dunwatch.errors import UserError
from dunwatch.i18n import set_lang
from dunwatch.ingest import parse_worker, registry
from dunwatch.ingest.importer import import_files


def _without_ledger(state: dict) -> dict:
    # The ledger and case.json hold the time they were written; every data table and file must match.
    return {k: v for k, v in state.items() if k not in ("ledger", "case.json")}


def _fresh_case(path):
    Case.init(path).close()
    return path


@pytest.fixture
def in_child(monkeypatch):
    monkeypatch.setattr(parse_worker, "CHILD_FROM", 0)


@pytest.mark.parametrize("fixture", ["sms_pitfalls.xml", "calls.xml"])
def test_a_file_read_in_the_child_gives_the_same_case(tmp_path, monkeypatch, fixture):
    # sms_pitfalls.xml holds MMS with base64 attachments, group sends, surrogate references, "null".
    one = _fresh_case(tmp_path / "in-process")
    import_one(one, FIXTURES / fixture)
    monkeypatch.setattr(parse_worker, "CHILD_FROM", 0)
    spawned = []
    popen = subprocess.Popen
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: spawned.append(a) or popen(*a, **k))
    two = _fresh_case(tmp_path / "child")
    result = import_one(two, FIXTURES / fixture)
    assert spawned, "the reader did not run in a child process"
    assert result.events > 0
    assert _without_ledger(snapshot(two)) == _without_ledger(snapshot(one))


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_a_problem_found_in_the_child_reads_as_in_one_process(tmp_path, monkeypatch, lang):
    broken = tmp_path / "broken.xml"
    data = (FIXTURES / "sms_pitfalls.xml").read_bytes()
    broken.write_bytes(data[: len(data) * 2 // 3])  # cut mid-file: an XML syntax error
    set_lang(lang)
    try:
        messages = []
        for child_from in (1 << 62, 0):
            monkeypatch.setattr(parse_worker, "CHILD_FROM", child_from)
            case = _fresh_case(tmp_path / f"case-{child_from}")
            before = snapshot(case)
            with pytest.raises(UserError) as err:
                import_one(case, broken)
            assert snapshot(case) == before
            messages.append(str(err.value))
    finally:
        set_lang(None)
    assert messages[0] == messages[1]
    assert str(broken) in messages[1] and "sms[" in messages[1]


READER = '''
import os, signal, sys
from dunwatch.ingest.base import Reader
from dunwatch.ingest.staging import EventBatch

class Misbehaving(Reader):
    name = "misbehaving"
    reads = {"zh-CN": "测试", "en": "test"}
    in_child = True

    def sniff(self, path, head):
        return head.startswith(b"MISBEHAVE")

    def read(self, path, sink):
        batch = EventBatch(sink, ())
        batch.add("sms", "+8617100000011", "", "line[1]", at_ms=1_700_000_000_000, text="x")
        batch.flush()  # a batch is staged before the child fails
        how = path.read_bytes().split()[1]
        if how == b"crash":
            raise RuntimeError("boom")
        if how == b"die":
            os.kill(os.getpid(), signal.SIGKILL)
        if how == b"keyerror":
            raise KeyError("no column 'date'")
        if how == b"unicode":
            b"\\xff".decode("utf-8")
        if how == b"flood":  # more batches than the parent takes ahead of staging, each one distinct
            for i in range(200):
                batch.add("sms", "+8617100000011", "", f"line[{i + 2}]", at_ms=1_700_000_001_000 + i, text="x")
                batch.flush()
        sink.report(5, 10)
        sink.notes.append(f"loaded: pandas {'pandas' in sys.modules}, duckdb {'duckdb' in sys.modules}, "
                          f"pyarrow {'pyarrow' in sys.modules}, phonenumbers {'phonenumbers' in sys.modules}")
        batch.close()
'''


@pytest.fixture
def misbehaving(tmp_path, monkeypatch):
    """A test reader from outside the package: the child imports it by its module, from the same
    sys.path as this process."""
    (tmp_path / "misbehaving_reader.py").write_text(READER)
    monkeypatch.syspath_prepend(str(tmp_path))
    from misbehaving_reader import Misbehaving

    monkeypatch.setattr(registry, "READERS", [Misbehaving(), *registry.READERS])


def _input(tmp_path, how: str):
    src = tmp_path / f"input-{how}.txt"
    src.write_bytes(f"MISBEHAVE {how}\n".encode())
    return src


def test_the_reader_process_loads_neither_pandas_nor_duckdb_and_reports_progress(tmp_path, in_child, misbehaving):
    # pyarrow imports pandas, when installed (it is here, for tests), on its first pa.array() of
    # Python values: 50 MB in the child for nothing (dunwatch/process.py); DuckDB (15 MB) is only
    # needed where the case is staged, pyarrow (45 MB) and phonenumbers where rows become columns.
    import importlib.util

    assert importlib.util.find_spec("pandas") is not None, "pandas must be installed for this test to mean anything"
    progress = []
    with Case.open(_fresh_case(tmp_path / "case")) as case:
        (result,) = import_files(case, [_input(tmp_path, "report")], on_progress=lambda *a: progress.append(a))
    assert result.events == 1
    assert "loaded: pandas False, duckdb False, pyarrow False, phonenumbers False" in result.notes
    assert progress == [(5, 10)]  # the child's progress reaches the caller's bar


@pytest.mark.parametrize("how, expected", [("crash", "the reading process failed: RuntimeError: boom"),
                                           ("die", "the reading process stopped unexpectedly (exit code -9)")])
def test_a_child_that_fails_or_dies_leaves_one_line_and_the_case_unchanged(tmp_path, in_child, misbehaving, how,
                                                                          expected):
    # A reader that fails in ways no real reader should: the child is a separate process, so the
    # parent must notice a crash and a death (killed by the kernel for memory, say) on its own.
    src = _input(tmp_path, how)
    case = _fresh_case(tmp_path / "case")
    before = snapshot(case)
    with pytest.raises(UserError) as err:
        import_one(case, src)
    assert str(err.value) == f"{src}: {expected}"
    assert snapshot(case) == before


def test_running_out_of_memory_while_the_child_reads_ends_it_and_retries_with_a_new_one(tmp_path, monkeypatch):
    # DuckDB's real out-of-memory error, raised by the real staging query while the child is still
    # reading: that try rolls back, its child ends, and the next try reads the file with a new child.
    from dunwatch.ingest.base import Sink

    one = _fresh_case(tmp_path / "in-process")
    import_one(one, FIXTURES / "sms_pitfalls.xml")
    monkeypatch.setattr(parse_worker, "CHILD_FROM", 0)
    children = []
    popen = subprocess.Popen
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: children.append(popen(*a, **k)) or children[-1])
    first = [True]
    stage = Sink.stage_events

    def stage_events(self, raw_names, table):
        if first:
            first.clear()
            self.con.execute("SET memory_limit = '1KB'")  # the importer's cap is lifted after the try
        stage(self, raw_names, table)

    monkeypatch.setattr(Sink, "stage_events", stage_events)
    retried = []
    two = _fresh_case(tmp_path / "child")
    with Case.open(two) as case:
        import_files(case, [FIXTURES / "sms_pitfalls.xml"], on_retry=lambda: retried.append(1))
    assert retried == [1] and len(children) == 2
    assert all(child.poll() is not None for child in children)  # both children have ended
    assert _without_ledger(snapshot(two)) == _without_ledger(snapshot(one))


@pytest.mark.parametrize("how, expected", [("keyerror", "KeyError: \"no column 'date'\""),
                                           ("unicode", "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0")])
def test_a_readers_input_error_reads_the_same_from_the_child(tmp_path, monkeypatch, misbehaving, how, expected):
    # The importer names the file and the error's kind and text; from the child, a subclass such as
    # UnicodeDecodeError must keep its own name, and KeyError its own quoting.
    messages = []
    for child_from in (1 << 62, 0):
        monkeypatch.setattr(parse_worker, "CHILD_FROM", child_from)
        with pytest.raises(UserError) as err:
            import_one(_fresh_case(tmp_path / f"case-{child_from}"), _input(tmp_path, how))
        messages.append(str(err.value))
    assert messages[0] == messages[1]
    assert messages[1].startswith(f"{tmp_path / f'input-{how}.txt'}: {expected}")


def test_a_staging_failure_ends_the_child_and_the_receiving_thread_while_the_child_still_sends(
        tmp_path, monkeypatch, in_child, misbehaving):
    # The importing process takes the child's messages on a thread, a few ahead of staging
    # (parse_worker.AHEAD). When staging fails with the child still sending, parse_worker.reading()
    # must end the child and that thread, not wait on them, and leave the case as it was.
    import gc
    import threading

    from dunwatch.ingest.base import Sink

    staged, collecting = [], []

    def stage_events(self, raw_names, rows):
        staged.append(len(rows))
        collecting.append(gc.isenabled())
        if len(staged) == 2:
            raise ValueError("staging failed")

    monkeypatch.setattr(Sink, "stage_events", stage_events)
    children = []
    popen = subprocess.Popen
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: children.append(popen(*a, **k)) or children[-1])
    src = _input(tmp_path, "flood")
    case = _fresh_case(tmp_path / "case")
    before = snapshot(case)
    with pytest.raises(UserError) as err:
        import_one(case, src)
    assert str(err.value) == f"{src}: ValueError: staging failed"
    assert staged == [1, 1]  # it stopped at the failure, not after the child's 201 batches
    assert len(children) == 1 and children[0].poll() is not None
    assert not [t for t in threading.enumerate() if t.name == parse_worker.RECEIVER]
    assert snapshot(case) == before
    # The rows are staged with the cycle collector paused (process.collector_paused), and it runs
    # again afterwards, even after a failure.
    assert collecting == [False, False] and gc.isenabled()


def test_the_child_reads_while_the_file_is_hashed_and_ends_when_the_file_was_imported_before(
        tmp_path, monkeypatch, in_child):
    # The hash names the evidence every row points to, so staging waits for it; the child parses
    # meanwhile (parse_worker.reading). A file imported before is found by that hash: its child
    # must be ended, with nothing staged and the case as it was.
    import threading

    from dunwatch.case import evidence

    children, at_hash = [], []
    popen = subprocess.Popen
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: children.append(popen(*a, **k)) or children[-1])
    sha256_file = evidence.sha256_file
    monkeypatch.setattr(evidence, "sha256_file",
                        lambda path: at_hash.append(len(children)) or sha256_file(path))
    case = _fresh_case(tmp_path / "case")
    src = FIXTURES / "sms_pitfalls.xml"
    assert import_one(case, src).events > 0
    assert at_hash == [1]  # the child was started before the hashing began
    before = snapshot(case)
    again = import_one(case, src)
    assert again.already and at_hash == [1, 2] and len(children) == 2
    assert children[1].poll() is not None
    assert not [t for t in threading.enumerate() if t.name == parse_worker.RECEIVER]
    assert snapshot(case) == before
