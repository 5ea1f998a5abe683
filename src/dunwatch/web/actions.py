"""What the pages and the JSON endpoints both do to a case: one function per action, so the two
front doors behave the same (STYLE.md: one way to do each thing)."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

from fastapi import Request
from starlette.datastructures import FormData

from dunwatch.case import Case
from dunwatch.case.verify import verify
from dunwatch.errors import UserError
from dunwatch.i18n import t
from dunwatch.ingest.importer import import_files
from dunwatch.parties.tagging import tag_party
from dunwatch.web import features
from dunwatch.web.security import CSRF_FIELD


def ctx_of(request: Request):
    return request.app.state.ctx


async def checked_form(request: Request) -> FormData:
    """The posted form, once its CSRF token matches the session's."""
    from dunwatch.web.app import CsrfFailed

    form = await request.form(max_files=200, max_fields=200, max_part_size=1 << 20)
    token = form.get(CSRF_FIELD)
    if not ctx_of(request).sessions.csrf_ok(request.state.sid, token if isinstance(token, str) else None):
        raise CsrfFailed()
    return form


def check_header(request: Request, token: str | None) -> None:
    from dunwatch.web.app import CsrfFailed

    if not ctx_of(request).sessions.csrf_ok(request.state.sid, token):
        raise CsrfFailed()


def after_change(case: Case) -> list[tuple[str, str]]:
    """Bring the findings up to date after new evidence or a new tag; notes for the user. (The
    importer labels new texts itself.) The rules are another module: a failure there must not undo
    or hide what was just saved."""
    try:
        return [("info", t("web.findings.updated", n=len(features.run_check(case))))]
    except UserError as e:
        return [("warn", t("web.err.stage", stage="check", problem=e.problem))]
    except Exception as e:  # noqa: BLE001 - shown to the user, logged in full on the console
        traceback.print_exception(e, file=sys.stderr)
        return [("warn", t("web.err.stage", stage="check", problem=type(e).__name__))]


def import_staged(case: Case, paths: list[Path]) -> list[dict]:
    """Import each file on its own, so one unreadable file does not stop the others."""
    results = []
    for path in paths:
        try:
            (r,) = import_files(case, [path])
            results.append({"name": path.name, "ok": True, "reader": r.reader, "events": r.events,
                            "parties": r.parties, "already": r.already, "sha256": r.sha256,
                            "message": r.message()})
        except UserError as e:
            results.append({"name": path.name, "ok": False, "reader": "", "events": 0, "parties": 0,
                            "already": False, "sha256": "", "message": f"{path.name}: {e.problem}"})
    return results


def tag(case: Case, party: str, role: str, name: str | None, org: str | None, relation: str | None) -> bool:
    party = party.strip()
    if not party:
        raise UserError(t("web.err.required"), "party")
    return tag_party(case, party, role, name=name, org=org, relation=relation)


def integrity(case: Case) -> dict:
    report = verify(case)
    return {"ok": report.ok, "evidence_files": report.evidence_files, "entries": report.entries,
            "problems": [{"kind": p.kind, "what": p.what, "message": p.message()} for p in report.problems],
            "lines": report.lines()}


def generate_dossier(case: Case, lang: str) -> Path:
    return features.build_report(case, lang, bundle=True).out


def dossier_files(case: Case) -> list[dict]:
    """The files of every run, the latest run first."""
    root = features.dossier_root(case.path)
    found = []
    for run in features.dossier_runs(case.path):
        for f in sorted(run.rglob("*")):
            if f.is_file() and not f.is_symlink():
                found.append({"run": run.name, "path": f.relative_to(root).as_posix(), "name": f.name,
                              "size": f.stat().st_size})
    return found
