"""Where a dossier goes: CASE/dossier/<UTC time>/, a new folder for every run.

The one place the CLI, the web app and the demo take it from. A new folder per run, because a
borrower who reports again must not lose the dossier already sent to a regulator; named by UTC time
(20260310T142233Z), because the name then sorts by when it was made, says so without a time zone
to guess, and is the same whichever machine reads the case. Dossiers are derived output: `verify`
checks them through the hashes the `report` ledger entry recorded, never as evidence, and deleting
one leaves the case intact.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

DOSSIER_DIR = "dossier"
STAMP = "%Y%m%dT%H%M%SZ"


def dossier_root(case_path: Path) -> Path:
    return Path(case_path) / DOSSIER_DIR


def new_dossier_dir(case_path: Path, when: datetime | None = None) -> Path:
    """Create and return the folder for one run; two runs in the same second get `-2`, `-3`…"""
    when = (when or datetime.now(UTC)).astimezone(UTC)
    base = dossier_root(case_path) / when.strftime(STAMP)
    out, n = base, 1
    while True:
        try:
            out.mkdir(parents=True)
            return out
        except FileExistsError:
            n += 1
            out = base.with_name(f"{base.name}-{n}")


def _order(run: Path) -> tuple[str, int]:
    stamp, _, n = run.name.partition("-")
    return stamp, int(n) if n.isdigit() else 1


def dossier_runs(case_path: Path) -> list[Path]:
    """Every run's folder, the latest first."""
    root = dossier_root(case_path)
    if not root.is_dir():
        return []
    return sorted((p for p in root.iterdir() if p.is_dir() and not p.is_symlink()), key=_order, reverse=True)
