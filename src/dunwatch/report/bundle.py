"""A zip anyone can check: the dossier, the letters, the cited originals, SHA256SUMS and a manifest.

Reproducible: entries are sorted and carry a fixed timestamp and mode, so the same case gives the
same entries byte for byte; only manifest.json records when the bundle was made.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from dunwatch import __version__ as dunwatch_version
from dunwatch.case import evidence as store

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_UNSAFE_NAME = re.compile(r"[^\w.\-]+")


def original_name(sha256: str, name: str) -> str:
    """Where an original goes in the bundle: its hash (what sha256sum checks) plus a tidy name."""
    tidy = _UNSAFE_NAME.sub("_", Path(name).name).strip("._")[:60]
    return f"originals/{sha256}" + (f"_{tidy}" if tidy else "")


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


def write_bundle(path: Path, files: dict[str, bytes], originals: list[tuple[str, str]], case_dir: Path,
                 about: dict) -> str:
    """Write the zip; `files` are generated outputs by bundle path, `originals` (sha256, name) pairs.
    Returns the zip's SHA-256."""
    entries: dict[str, bytes | Path] = dict(files)
    for sha, name in originals:
        entries[original_name(sha, name)] = store.stored_path(case_dir, sha)
    listing = []
    for name in sorted(entries):
        data = entries[name]
        digest, size = (store.sha256_file(data), data.stat().st_size) if isinstance(data, Path) else \
            (hashlib.sha256(data).hexdigest(), len(data))
        listing.append({"path": name, "sha256": digest, "size": size})
    sums = "".join(f"{e['sha256']}  {e['path']}\n" for e in listing).encode("utf-8")
    manifest = {"format": "dunwatch-bundle", "version": 1, "dunwatch": dunwatch_version,
                "created": datetime.now(timezone.utc).isoformat(timespec="seconds"), **about,
                "files": listing, "verify": "sha256sum -c SHA256SUMS"}
    entries["SHA256SUMS"] = sums
    entries["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
    tmp = path.with_name(f".{path.name}.tmp")
    with zipfile.ZipFile(tmp, "w") as z:
        for name in sorted(entries):
            data = entries[name]
            if isinstance(data, Path):  # originals may be long recordings: stream them
                with open(data, "rb") as src, z.open(_entry(name), "w") as dst:
                    shutil.copyfileobj(src, dst, store.CHUNK)
            else:
                z.writestr(_entry(name), data)
    tmp.replace(path)
    return store.sha256_file(path)
