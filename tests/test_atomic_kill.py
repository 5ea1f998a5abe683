"""Atomicity under SIGKILL: kill a large import at random points; the case must always verify,
hold either nothing or everything of the import, and the import must then complete cleanly."""

import os
import random
import signal
import subprocess
import sys
import time

from conftest import run_cli, write_events

from dunwatch.case import Case

N = 120_000


def _count(case_dir):
    with Case.open(case_dir) as c:
        return c.con.execute("SELECT count(*), count(DISTINCT id) FROM events").fetchone()


def _start_import(case_dir, src):
    env = {**os.environ, "DUNWATCH_LANG": "en"}
    return subprocess.Popen([sys.executable, "-m", "dunwatch", "import", str(case_dir), str(src)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def test_sigkill_at_random_points_never_leaves_a_half_import(tmp_path):
    rows = [(f"ev{i:07d}", "call" if i % 3 else "sms", f"+86171{i % 9973:08d}", "+8613800000001",
             f"2026-03-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00+08:00", str(i % 300) if i % 3 else "",
             "answered" if i % 3 else "", "" if i % 3 else f"第{i}条催收短信，内容较长以便文件够大：还款提醒", "L1")
            for i in range(N)]
    src = write_events(tmp_path / "big.csv", rows)

    # How long a whole import takes here, measured on a scratch case in the same run.
    run_cli("case", "init", str(tmp_path / "scratch"), check=True)
    t0 = time.monotonic()
    run_cli("import", str(tmp_path / "scratch"), str(src), check=True)
    full = time.monotonic() - t0

    rnd = random.Random(20261129)
    case_dir = tmp_path / "case"
    run_cli("case", "init", str(case_dir), check=True)
    killed_mid_import = 0
    for attempt in range(8):
        proc = _start_import(case_dir, src)
        time.sleep(rnd.uniform(0.05, full * 0.95))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        verify = run_cli("verify", str(case_dir))
        assert verify.returncode == 0, f"attempt {attempt}: {verify.stdout}{verify.stderr}"
        total, distinct = _count(case_dir)
        assert total in (0, N) and distinct == total, f"attempt {attempt}: {total} events after kill"
        if total == N:  # the import finished before the kill: start again on a fresh case
            case_dir = tmp_path / f"case{attempt}"
            run_cli("case", "init", str(case_dir), check=True)
        else:
            killed_mid_import += 1
    assert killed_mid_import >= 4, "too few kills landed during an import to show anything"

    proc = run_cli("import", str(case_dir), str(src))
    assert proc.returncode == 0, proc.stderr
    assert _count(case_dir) == (N, N)
    assert run_cli("verify", str(case_dir)).returncode == 0
    # Running it once more adds nothing.
    again = run_cli("import", str(case_dir), str(src))
    assert again.returncode == 0 and "already" in again.stdout
    assert _count(case_dir) == (N, N)
