"""Shared test helpers: run the real CLI, build cases, snapshot a case's whole state."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dunwatch.case import Case, catalog
from dunwatch.interchange.csvfile import write_events, write_parties  # noqa: F401 (used by tests)

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """shared/ sits beside the repository (CI clones main with a copy of shared/ next to it)."""
    for candidate in (REPO.parent / "shared", Path("/work/shared")):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("shared/ (samples and research) not found beside the repository")


def run_cli(*args: str, lang: str = "en", cwd: Path | None = None, check: bool = False) -> subprocess.CompletedProcess:
    """Run the real `dunwatch` command in a subprocess, as a user would."""
    env = {**os.environ, "DUNWATCH_LANG": lang}
    proc = subprocess.run([sys.executable, "-m", "dunwatch", *args], capture_output=True, text=True, env=env, cwd=cwd)
    if check and proc.returncode != 0:
        raise AssertionError(f"dunwatch {' '.join(args)} failed: {proc.stderr}")
    return proc


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    path = tmp_path / "case"
    Case.init(path, jurisdiction="cn", tz="Asia/Shanghai").close()
    return path


def snapshot(case_dir: Path) -> dict:
    """Everything a case holds: catalog rows of every table, evidence files and settings."""
    state: dict = {"case.json": (case_dir / "case.json").read_bytes()}
    files = {}
    for f in sorted((case_dir / "evidence").rglob("*")):
        if f.is_file():
            files[str(f.relative_to(case_dir))] = hashlib.sha256(f.read_bytes()).hexdigest()
    state["evidence_files"] = files
    with Case.open(case_dir) as c:
        for table in ["ledger", *catalog.DATA_TABLES]:
            state[table] = sorted(map(repr, c.con.execute(f"SELECT * FROM {table}").fetchall()))
    return state
