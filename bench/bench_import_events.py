"""Import N events from events.csv into a case (time, peak memory), beside DuckDB's own read_csv
of the same file into a table. N from BENCH_EVENTS (default 1,000,000)."""

from __future__ import annotations

import os
import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import line, measure, out_dir, python  # noqa: E402

from dunwatch.interchange import EVENTS_COLUMNS  # noqa: E402
from dunwatch.interchange.csvfile import write_rows  # noqa: E402

N = int(os.environ.get("BENCH_EVENTS", "1000000"))


def make_file(path: Path) -> None:
    rnd = random.Random(1)
    texts = ["【某某贷】您的账单已逾期，请尽快还款。", "再不还钱就上门，通知你全家。", "", "", ""]

    def rows():
        for i in range(N):
            call = i % 4 != 0
            yield (f"e{i}", "call" if call else "sms", f"+86171{rnd.randrange(10**8):08d}", f"+86138{i % 50000:08d}",
                   f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d}+08:00",
                   str(rnd.randrange(300)) if call else "", rnd.choice(["answered", "missed", "rejected"]) if call else "",
                   "" if call else rnd.choice(texts), f"L{i % 1000}")

    write_rows(path, EVENTS_COLUMNS, rows())


def main() -> None:
    out = out_dir()
    src = out / f"events-{N}.csv"
    if not src.exists():
        make_file(src)
    mb = src.stat().st_size / 1e6
    print(f"{N:,} events, {mb:.0f} MB")
    db = out / "baseline.duckdb"
    db.unlink(missing_ok=True)
    base_s, base_mb = measure(python("-c", f"""import duckdb
con = duckdb.connect({str(db)!r})
con.execute("CREATE TABLE t AS SELECT * FROM read_csv({str(src)!r}, header=true, all_varchar=true)")"""))
    case = out / "import-case"
    shutil.rmtree(case, ignore_errors=True)
    measure(python("-m", "dunwatch", "case", "init", str(case)))
    s, peak = measure(python("-m", "dunwatch", "import", str(case), str(src)))
    line("import events.csv: seconds", s, "s", base_s, "duckdb read_csv")
    line("import events.csv: peak memory", peak, "MB", base_mb, "duckdb read_csv")
    line("import events.csv: events per second", N / s, "ev/s")
    shutil.rmtree(case, ignore_errors=True)
    db.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
