"""Content-addressed evidence store: originals kept byte-for-byte under their SHA-256.

A file is written to a temporary name, flushed to disk and renamed into place, so a stored file
is either whole or absent. A stored file whose catalog row was rolled back (the process was
killed mid-import) is harmless: the same bytes land on the same name next time.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

CHUNK = 1 << 20


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def stored_path(case_dir: Path, sha256: str) -> Path:
    return case_dir / "evidence" / sha256[:2] / sha256


def _install(case_dir: Path, sha256: str, write, created: list[Path] | None) -> Path:
    dest = stored_path(case_dir, sha256)
    if dest.exists() and sha256_file(dest) == sha256:
        return dest
    if created is not None and not dest.exists():
        created.append(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        if dest.exists():  # a damaged copy: replace it with the true bytes
            os.chmod(dest, stat.S_IWUSR | stat.S_IRUSR)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    os.chmod(dest, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)  # originals are read-only
    return dest


def store_file(case_dir: Path, src: Path, sha256: str, created: list[Path] | None = None) -> Path:
    """Store `src`; a path newly written is appended to `created` so a failed operation can undo it."""

    def write(out):
        with open(src, "rb") as f:
            shutil.copyfileobj(f, out, CHUNK)

    return _install(case_dir, sha256, write, created)


def store_bytes(case_dir: Path, data: bytes, created: list[Path] | None = None) -> tuple[str, Path]:
    sha256 = hashlib.sha256(data).hexdigest()
    return sha256, _install(case_dir, sha256, lambda out: out.write(data), created)


def discard(paths: list[Path]) -> None:
    """Undo the files an operation stored before it failed (its catalog rows were rolled back)."""
    for path in paths:
        try:
            os.chmod(path, stat.S_IWUSR | stat.S_IRUSR)
            path.unlink()
        except FileNotFoundError:
            pass
        try:  # its folder too (evidence/ab/), when nothing else is stored there: no trace is left
            path.parent.rmdir()
        except OSError:
            pass
