"""Helpers for benchmarks: run a command as a child process, measure wall time and peak memory,
and print each figure beside its baseline measured in the same run."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import threading
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def out_dir() -> Path:
    OUT.mkdir(exist_ok=True)
    return OUT


def measure(argv: list[str], env: dict | None = None) -> tuple[float, float]:
    """Run argv to completion; return (seconds, peak resident memory in MB) of that child, together
    with any processes it starts (an import reads big files in a child of its own): their resident
    memory is summed every 20 ms, and the figure is never below the largest single process's peak."""
    _libraries_as_read_from_disk()
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()
    sampled = [0]

    def sample() -> None:
        while not done.wait(0.02):
            sampled[0] = max(sampled[0], _tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode(errors="replace")
        raise SystemExit(f"benchmark command failed: {' '.join(argv)}\n{err}")
    proc.stderr.close()
    return seconds, max(usage.ru_maxrss * 1024, sampled[0]) / 2**20  # ru_maxrss is in KiB on Linux


_EVICTED: list[bool] = []


def _libraries_as_read_from_disk() -> None:
    """Once per benchmark process: drop the compiled libraries of the environment's packages from
    the page cache (posix_fadvise DONTNEED: clean pages only, no root needed), then load them
    again, so the memory figures do not depend on how those files came into the cache.

    Why: resident memory counts the library pages a process maps. Right after pip has written the
    files (a fresh install), this VM's kernel (6.18) holds them in large folios and maps a whole
    folio per page fault: the import of bench_smsbackup's backup peaked at 323-330 MB then, and at
    278 MB with the same code and libraries once the files had been read back from disk (as after
    a reboot); the figures did not move again between runs. The load is not timed."""
    if _EVICTED:
        return
    _EVICTED.append(True)
    for root in {Path(sysconfig.get_path("purelib")), Path(sysconfig.get_path("platlib"))}:  # site-packages
        for path in root.glob("**/*.so*"):
            try:
                fd = os.open(path, os.O_RDONLY)
            except OSError:
                continue
            try:
                os.fsync(fd)  # pages pip has just written are dirty, and those stay in the cache
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)
    subprocess.run([sys.executable, "-c", "import duckdb, pyarrow, lxml.etree, numpy; duckdb.connect()"], check=False)


def _tree_rss(root: int) -> int:
    """Resident bytes of process `root` and all its descendants, now (from /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    # The field after the parenthesised command name is the state, then the parent's pid.
                    parents[int(entry)] = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass  # the process ended meanwhile
    tree, grown = {root}, True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        grown = bool(more)
        tree |= more
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            pass
    return total


def python(*code_or_args: str) -> list[str]:
    return [sys.executable, *code_or_args]


def line(name: str, value: float, unit: str, baseline: float | None = None, baseline_name: str = "baseline",
         target: str = "") -> None:
    text = f"{name:44} {value:10.2f} {unit:6}"
    if baseline is not None:
        ratio = value / baseline if baseline else float("inf")
        text += f"   {baseline_name}: {baseline:.2f} {unit}   ratio {ratio:.2f}x"
    if target:
        text += f"   target {target}"
    print(text, flush=True)
