"""`dunwatch report`: the dossier, the letters and (on request) the bundle, recorded in the ledger."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dunwatch.case import Case
from dunwatch.case import evidence as store
from dunwatch.errors import bad_input
from dunwatch.i18n import LANGS
from dunwatch.report import dossier, letters, render
from dunwatch.report.bundle import write_bundle
from dunwatch.report.facts import as_of
from dunwatch.report.place import new_dossier_dir

BUNDLE_NAME = "dossier-bundle.zip"


@dataclass
class ReportResult:
    out: Path
    html: Path
    pdf: Path
    evidence_list: Path
    letters: list[Path] = field(default_factory=list)
    bundle: Path | None = None
    hashes: dict[str, str] = field(default_factory=dict)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _pii_spans(case: Case, ids: list[str]) -> dict[str, list[tuple[int, int]]]:
    spans: dict[str, list[tuple[int, int]]] = {}
    for event_id, start, end in case.con.execute(
            "SELECT event_id, start_pos, end_pos FROM pii WHERE event_id IN (SELECT unnest(?))", [ids]).fetchall():
        spans.setdefault(event_id, []).append((start, end))
    return spans


def outputs(case: Case, lang: str = "zh-CN") -> tuple[dict[str, bytes], list[tuple[str, str]]]:
    """Every generated file by its path in the output folder (and in the bundle), and the
    (sha256, name) of each original evidence file the dossier cites."""
    if lang not in LANGS:
        raise ValueError(lang)
    ctx = dossier.gather(case, lang)
    files: dict[str, bytes] = {
        "dossier.html": render.dossier_html(ctx, dossier.SCREEN_LIMITS).encode("utf-8"),
        "dossier.pdf": render.pdf_bytes(render.dossier_html(ctx, dossier.PRINT_LIMITS)),
        "evidence-list.csv": render.evidence_list_csv(ctx),
    }
    pii = _pii_spans(case, list(ctx["events"]))
    for channel in letters.channels(case.jurisdiction):
        letter = letters.compose(channel, ctx["facts"], ctx["groups"], ctx["events"], lang, pii)
        text = render.letter_text(letter, lang)
        files[f"letters/{channel['id']}.txt"] = text.encode("utf-8")
        files[f"letters/{channel['id']}.html"] = render.letter_html(text, letter.subject, lang).encode("utf-8")
    return files, [(f["sha256"], f["name"]) for f in ctx["files"]]


def _in_case(case: Case, out: Path) -> str | None:
    """The output folder relative to the case, so the entry says which run its hashes belong to; a
    folder outside the case (`--out`) is not named, to keep the user's own paths out of the case."""
    try:
        return out.resolve().relative_to(case.path.resolve()).as_posix()
    except ValueError:
        return None


def build_report(case: Case, out_dir: str | Path | None = None, lang: str = "zh-CN", bundle: bool = False) -> ReportResult:
    """Write the report files into `out_dir` (default: a new CASE/dossier/<UTC time>, see
    report.place) and record them in the ledger."""
    chosen = Path(out_dir) if out_dir else None
    if chosen and (case.path / "evidence").resolve() in [chosen.resolve(), *chosen.resolve().parents]:
        raise bad_input(chosen, "report.bad_out")
    files, originals = outputs(case, lang)
    # The run's folder is made only once everything rendered: a failed run leaves no empty one.
    out = chosen or new_dossier_dir(case.path)
    for name, data in files.items():
        _write(out / name, data)
    hashes = {name: store.sha256_file(out / name) for name in files}
    result = ReportResult(out, out / "dossier.html", out / "dossier.pdf", out / "evidence-list.csv",
                          [out / n for n in files if n.startswith("letters/")], hashes=hashes)
    if bundle:
        seq, action, entry_hash = as_of(case)
        about = {"case": {"jurisdiction": case.jurisdiction, "tz": case.tz, "synthetic": bool(case.settings.get("synthetic")),
                          "ledger": {"seq": seq, "action": action, "hash": entry_hash}}, "lang": lang}
        result.bundle = out / BUNDLE_NAME
        hashes[BUNDLE_NAME] = write_bundle(result.bundle, files, originals, case.path, about)
    with case.transaction():
        case.record(case.next_seq(), "report", {"lang": lang, "bundle": bundle, "dir": _in_case(case, out),
                                                "files": sorted(hashes)}, hashes)
    return result
