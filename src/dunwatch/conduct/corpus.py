"""The labelled corpus (corpus/conduct/examples.jsonl in the repository; see its README.md).

Each line: {"id", "lang", "labels": [...], "split": "train"|"heldout", "text", "source"}. The split
is fixed in the file, so every run trains and measures on the same examples.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from dunwatch.conduct.labels import LABELS, LAWFUL
from dunwatch.errors import UserError

SYNTHETIC = "synthetic: written by dunwatch contributors"


@dataclass(frozen=True)
class Example:
    id: str
    lang: str
    labels: tuple[str, ...]
    split: str
    text: str
    source: str

    @property
    def quoted(self) -> bool:
        return self.source != SYNTHETIC


def default_path() -> Path:
    """corpus/conduct/examples.jsonl of the source checkout this package runs from."""
    return Path(__file__).resolve().parents[3] / "corpus" / "conduct" / "examples.jsonl"


def load(path: str | Path | None = None) -> list[Example]:
    path = Path(path) if path else default_path()
    if not path.is_file():
        raise UserError("corpus not found (run from a source checkout of dunwatch, or pass --corpus)", path)
    out, seen = [], set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            ex = Example(row["id"], row["lang"], tuple(row["labels"]), row["split"], row["text"], row["source"])
        except (ValueError, KeyError, TypeError) as e:
            raise UserError(f"line {n}: {type(e).__name__}: {e}", path) from None
        bad = [label for label in ex.labels if label not in LABELS]
        if bad or not ex.labels or ex.split not in ("train", "heldout") or not ex.source or ex.id in seen:
            raise UserError(f"line {n}: bad example {ex.id!r} (labels, split, source or duplicate id)", path)
        if LAWFUL in ex.labels and len(ex.labels) > 1:
            raise UserError(f"line {n}: {LAWFUL} is never combined with another label", path)
        seen.add(ex.id)
        out.append(ex)
    return out
