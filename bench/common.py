"""Helpers for benchmarks: run a command as a child process, measure wall time and peak memory,
and print each figure beside its baseline measured in the same run."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def out_dir() -> Path:
    OUT.mkdir(exist_ok=True)
    return OUT


def measure(argv: list[str], env: dict | None = None) -> tuple[float, float]:
    """Run argv to completion; return (seconds, peak resident memory in MB) of that child alone."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode(errors="replace")
        raise SystemExit(f"benchmark command failed: {' '.join(argv)}\n{err}")
    proc.stderr.close()
    return seconds, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


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
