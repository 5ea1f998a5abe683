"""The main job on the bundled synthetic case: each stage of the flow, in order."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path
from typing import Iterator

from dunwatch.case import Case
from dunwatch.case.verify import verify
from dunwatch.errors import bad_input
from dunwatch.i18n import t
from dunwatch.ingest.importer import import_files


def data_files() -> list[Path]:
    root = resources.files("dunwatch.demo") / "data"
    return [Path(str(root / name)) for name in ("events.csv", "parties.csv")]


def _reset(out: Path) -> None:
    """Rebuild only a folder that is empty or holds an earlier demo case: never touch real cases."""
    if not out.exists():
        return
    marker = out / "case.json"
    if marker.exists() and json.loads(marker.read_text(encoding="utf-8")).get("synthetic"):
        shutil.rmtree(out)
    elif any(out.iterdir()):
        raise bad_input(out, "case.exists")


def run_demo(out_dir: str | Path) -> Iterator[str]:
    out = Path(out_dir)
    _reset(out)
    yield t("demo.synthetic")
    with Case.init(out, jurisdiction="cn", tz="Asia/Shanghai", synthetic=True) as case:
        yield t("case.created", path=out, j="cn", tz="Asia/Shanghai")
        for r in import_files(case, data_files()):
            yield r.message()
        yield from verify(case).lines()
    yield t("demo.done", path=out.resolve())
