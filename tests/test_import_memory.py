"""Staging keeps memory flat inside the import's transaction (docs/design.md, "Memory").

DuckDB keeps every Python object a query scanned until the transaction ends; staging must hand its
Arrow batches over as one-shot streams, or a 1 GB backup holds every batch (3.9 GB measured).
"""

import pyarrow as pa

from dunwatch.case import Case
from dunwatch.ingest.base import STAGE_DDL, Sink
from dunwatch.ingest.staging import EventBatch

BATCHES, SIZE = 30, 5_000


def test_staged_batches_are_not_kept_alive_by_the_transaction(case_dir):
    with Case.open(case_dir) as case:
        with case.transaction():
            for ddl in STAGE_DDL:
                case.con.execute(ddl)
            seq = case.next_seq()
            sink = Sink(case.con, case.path, "0" * 64, case.tz, case.region, lambda *a: "", entry=seq)
            batch = EventBatch(sink, ("date",), size=SIZE)
            before = pa.total_allocated_bytes()
            for i in range(BATCHES * SIZE):
                batch.add("sms", "+8617100000011", "", f"sms[{i}]", at_ms=1_700_000_000_000 + i * 1000,
                          status="received", text=f"您的借款已逾期 {i} 天，请尽快还款。" * 3, raw=(str(i),))
            batch.flush()
            grown = pa.total_allocated_bytes() - before
            staged = case.con.execute("SELECT count(*) FROM events WHERE entry = ?", [seq]).fetchone()[0]
    assert staged == BATCHES * SIZE
    # One batch's Arrow columns are about 1.5 MB; all of them kept alive would be about 45 MB.
    assert grown < 2_000_000, f"{grown:,} bytes of Arrow data still held after staging"



def test_a_csv_load_out_of_memory_is_not_blamed_on_the_file(tmp_path):
    # DuckDB's real OutOfMemoryException inside read_csv (a fresh connection limited to 1 KB) is the
    # machine's limit, not a broken file: it must reach the importer, which retries with more
    # memory (tests/test_ingest_smsbackup.py), instead of becoming a "bad file" error.
    import duckdb
    import pytest
    from conftest import write_events

    from dunwatch.interchange import EVENTS_COLUMNS, csvfile

    rows = [(f"c{i}", "call", "+8617100000011", "+8613800000001", f"2026-03-02T10:{i:02d}:00+08:00", "30", "answered", "", "")
            for i in range(20)]
    path = write_events(tmp_path / "events.csv", rows)
    con = duckdb.connect()
    con.execute("SET memory_limit = '1KB'")
    with pytest.raises(duckdb.OutOfMemoryException):
        csvfile.load_varchar(con, path, list(EVENTS_COLUMNS), "_csv")



def test_the_cli_never_loads_pandas_and_gives_arrow_memory_back(case_dir):
    # pyarrow imports pandas, when installed (it is here, for tests), on its first pa.array() of
    # Python values: 50 MB for nothing (dunwatch/process.py). The reader's own process is checked
    # in tests/test_ingest_parse_worker.py.
    import importlib.util
    import os
    import subprocess
    import sys

    from ingest_helpers import FIXTURES

    assert importlib.util.find_spec("pandas") is not None, "pandas must be installed for this test to mean anything"
    # Arrow's own pool kept freed pages (dunwatch/process.py): the CLI allocates with malloc.
    script = ("import sys; from dunwatch.cli import main; main(['import', *sys.argv[1:]]); import pyarrow as pa; "
              "print('pandas' in sys.modules, pa.default_memory_pool().backend_name)")
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    proc = subprocess.run([sys.executable, "-c", script, str(case_dir), str(FIXTURES / "sms_pitfalls.xml")],
                          capture_output=True, text=True, env={**env, "DUNWATCH_LANG": "en"})
    assert proc.returncode == 0, proc.stderr
    assert "new events" in proc.stdout and proc.stdout.split()[-2:] == ["False", "system"], proc.stdout
