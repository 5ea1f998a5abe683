"""The HTML pages: server-rendered, every form posts with a CSRF token and redirects back (PRG)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from dunwatch.case.folder import JURISDICTIONS
from dunwatch.errors import UserError
from dunwatch.web import actions, charts, features, queries, statement
from dunwatch.web.actions import checked_form, ctx_of
from dunwatch.web.messages import tr
from dunwatch.web.security import LANG_COOKIE, VIEW_CSP, safe_child, safe_next, valid_case_name
from dunwatch.web.uploads import Staged

router = APIRouter(include_in_schema=False)

TIME_ZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Kolkata", "Europe/London",
              "Europe/Berlin", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")
PAGE_SIZE = 200


def _redirect(request: Request, url: str, notes: list[tuple[str, str]] | None = None) -> Response:
    resp = RedirectResponse(url, status_code=303)
    return ctx_of(request).set_flash(resp, notes or [])


def _form_str(form, key: str, default: str = "") -> str:
    value = form.get(key, default)
    return value if isinstance(value, str) else default


@router.get("/")
def home(request: Request):
    ctx = ctx_of(request)
    return ctx.render(request, "home.html", cases=ctx.store.list(), jurisdictions=JURISDICTIONS, time_zones=TIME_ZONES)


@router.post("/lang")
async def switch_language(request: Request):
    form = await checked_form(request)
    lang = _form_str(form, "lang")
    resp = RedirectResponse(safe_next(_form_str(form, "next")), status_code=303)
    if lang in ("zh-CN", "en"):
        resp.set_cookie(LANG_COOKIE, lang, httponly=True, samesite="strict", path="/", max_age=3600 * 24 * 365)
    return resp


@router.post("/cases")
async def create_case(request: Request):
    ctx = ctx_of(request)
    form = await checked_form(request)
    lang = ctx.lang(request)
    name = _form_str(form, "name").strip()
    jurisdiction = _form_str(form, "jurisdiction", "cn")
    tz = _form_str(form, "tz", "Asia/Shanghai")
    if not valid_case_name(name):
        return _redirect(request, "/", [("error", tr(lang, "web.err.case_name"))])
    if ctx.store.exists(name):
        return _redirect(request, "/", [("error", tr(lang, "web.err.case_exists", name=name))])
    try:
        ctx.store.create(name, jurisdiction, tz, lang)
    except UserError as e:
        return _redirect(request, "/", [("error", e.problem)])
    return _redirect(request, f"/cases/{name}", [("ok", tr(lang, "web.case.created", name=name))])


@router.get("/cases/{name}")
def overview(request: Request, name: str):
    ctx = ctx_of(request)
    with ctx.store.open(name, ctx.lang(request)) as case:
        info = queries.summary(case)
        data = queries.chart_data(case)
        findings = features.latest_findings(case)
        return ctx.render(request, "overview.html", case=name, info=info, findings=findings,
                          day_chart=charts.by_day(data["days"]), ledger=queries.ledger_tail(case, 8),
                          checked=features.has_run_check(case))


@router.get("/cases/{name}/evidence")
def evidence_page(request: Request, name: str):
    ctx = ctx_of(request)
    from dunwatch.ingest.registry import READERS

    with ctx.store.open(name, ctx.lang(request)) as case:
        return ctx.render(request, "evidence.html", case=name, files=queries.evidence_files(case), readers=READERS,
                          max_mb=ctx.max_upload >> 20)


@router.post("/cases/{name}/evidence")
async def upload_form(request: Request, name: str):
    """The no-script path: a plain multipart form (the page's script uploads through the API instead)."""
    ctx = ctx_of(request)
    form = await checked_form(request)
    uploads = [u for u in form.getlist("files") if hasattr(u, "read")]
    with Staged() as staged:
        for u in uploads:
            if getattr(u, "filename", None):
                await staged.add_upload(u, ctx.max_upload)
        if not staged.paths:
            return _redirect(request, f"/cases/{name}/evidence", [("error", tr(ctx.lang(request), "web.err.no_files"))])
        with ctx.store.open(name, ctx.lang(request)) as case:
            results = actions.import_staged(case, staged.paths)
            notes = [("ok" if r["ok"] else "error", r["message"]) for r in results]
            if any(r["ok"] and not r["already"] for r in results):
                notes += actions.after_change(case)
    return _redirect(request, f"/cases/{name}/evidence", notes)


@router.get("/cases/{name}/timeline")
def timeline_page(request: Request, name: str, party: str = "", kind: str = "", label: str = "", finding: str = "",
                  page: int = 1):
    ctx = ctx_of(request)
    page = max(1, min(page, 1_000_000))
    with ctx.store.open(name, ctx.lang(request)) as case:
        findings = features.latest_findings(case)
        flt = queries.TimelineFilter(party=party.strip(), kind=kind if kind in (*queries.KINDS, "message") else "",
                                     label=label, finding=finding, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        if finding:
            flt.finding_events = queries.finding_event_ids(findings, finding)
        total, rows = queries.timeline(case, flt)
        return ctx.render(request, "timeline.html", case=name, rows=rows, total=total, flt=flt, page=page,
                          pages=max(1, -(-total // PAGE_SIZE)), kinds=queries.KINDS, labels=queries.labels_in_case(case),
                          rules=sorted({f.get("rule", "") for f in findings}),
                          parties=[p for p in queries.parties(case) if p["events"]])


@router.get("/cases/{name}/charts")
def charts_page(request: Request, name: str):
    ctx = ctx_of(request)
    with ctx.store.open(name, ctx.lang(request)) as case:
        data = queries.chart_data(case)
        return ctx.render(request, "charts.html", case=name, day_chart=charts.by_day(data["days"]),
                          hour_chart=charts.by_hour(data["hours"], case.jurisdiction), jurisdiction=case.jurisdiction)


@router.get("/cases/{name}/parties")
def parties_page(request: Request, name: str):
    ctx = ctx_of(request)
    with ctx.store.open(name, ctx.lang(request)) as case:
        return ctx.render(request, "parties.html", case=name, parties=queries.parties(case), roles=queries.ROLES)


@router.post("/cases/{name}/parties/tag")
async def tag_form(request: Request, name: str):
    ctx = ctx_of(request)
    form = await checked_form(request)
    lang = ctx.lang(request)
    party, role = _form_str(form, "party"), _form_str(form, "role")
    optional = {k: (_form_str(form, k).strip() if k in form else None) for k in ("name", "org", "relation")}
    with ctx.store.open(name, lang) as case:
        changed = actions.tag(case, party, role, **optional)
        notes = [("ok", tr(lang, "web.party.tagged", party=party, role=tr(lang, f"web.role.{role}")))]
        if changed:
            notes += actions.after_change(case)
        else:
            notes = [("info", tr(lang, "web.party.unchanged", party=party))]
    return _redirect(request, f"/cases/{name}/parties", notes)


@router.get("/cases/{name}/statement")
def statement_page(request: Request, name: str):
    ctx = ctx_of(request)
    with ctx.store.open(name, ctx.lang(request)) as case:
        return ctx.render(request, "statement.html", case=name, debtor=statement.debtor_default(case), tz=case.tz,
                          collectors=[p for p in queries.parties(case) if p["role"] == "collector"],
                          debts=statement.debt_ids(case), costs=features.loan_costs(case),
                          lender_types=_lender_types(), repayment_rows=statement.REPAYMENT_ROWS)


def _lender_types() -> tuple[str, ...]:
    from dunwatch.loans.caps import LENDER_TYPES

    return LENDER_TYPES


async def _statement(request: Request, name: str, add, back: str, done: str) -> Response:
    """A statement form: `add(case, fields, lang)` records it and returns the notes to show; a bad
    entry goes back to the form (`back`) with its one-line error, a good one on to `done`."""
    ctx = ctx_of(request)
    form = await checked_form(request)
    lang = ctx.lang(request)
    fields = {k: _form_str(form, k) for k in form.keys() if k != "csrf_token"}
    with ctx.store.open(name, lang) as case:
        try:
            notes = add(case, fields, lang)
        except UserError as e:
            return _redirect(request, f"/cases/{name}/{back}", [("error", e.problem)])
        notes += actions.after_change(case)
    return _redirect(request, f"/cases/{name}/{done}", notes)


def _pick(fields: dict, *names: str) -> dict:
    return {n: fields.get(n, "") for n in names}


def _saved(lang: str, results) -> list:
    return [("ok", tr(lang, "web.st.saved", n=sum(r.events for r in results)))]


@router.post("/cases/{name}/statement/visit")
async def statement_visit(request: Request, name: str):
    return await _statement(request, name, lambda case, f, lang: _saved(lang, statement.add_visit(
        case, **_pick(f, "when", "who", "org", "people", "place", "what", "debtor"))), "statement", "timeline")


@router.post("/cases/{name}/statement/relative")
async def statement_relative(request: Request, name: str):
    return await _statement(request, name, lambda case, f, lang: _saved(lang, statement.add_relative_contact(
        case, **_pick(f, "when", "kind", "collector", "relative_number", "relative_name", "relation", "reported_by",
                      "what", "minutes"))), "statement", "timeline")


def _loan_notes(case, fields: dict, lang: str) -> list:
    message, result = statement.add_loan(case, fields)
    notes = [("ok", message)]
    explanation = result.get("explanation") if isinstance(result, dict) else None
    if isinstance(explanation, dict) and explanation.get(lang):
        notes.append(("info", str(explanation[lang])))
    return notes


@router.post("/cases/{name}/statement/loan")
async def statement_loan(request: Request, name: str):
    return await _statement(request, name, _loan_notes, "statement#loan", "statement#loan")


@router.get("/cases/{name}/findings")
def findings_page(request: Request, name: str):
    ctx = ctx_of(request)
    with ctx.store.open(name, ctx.lang(request)) as case:
        findings = features.latest_findings(case)
        cited = queries.events_by_id(case, [str(e) for f in findings for e in f.get("events", [])])
        lang = ctx.lang(request)
        groups: dict[str, list[dict]] = {}
        for f in findings:  # one card per rule, its occurrences inside (in the engine's order)
            groups.setdefault(str(f.get("rule", "")), []).append(f)
        explained = {r: features.explain(r, lang) for r in groups}
        return ctx.render(request, "findings.html", case=name, findings=findings, groups=groups, cited=cited,
                          checked=features.has_run_check(case), explained=explained)


@router.post("/cases/{name}/check")
async def check_form(request: Request, name: str):
    ctx = ctx_of(request)
    await checked_form(request)
    lang = ctx.lang(request)
    with ctx.store.open(name, lang) as case:
        notes = actions.after_change(case)
    return _redirect(request, f"/cases/{name}/findings", notes)


@router.get("/cases/{name}/dossier")
def dossier_page(request: Request, name: str):
    ctx = ctx_of(request)
    with ctx.store.open(name, ctx.lang(request)) as case:
        return ctx.render(request, "dossier.html", case=name, files=actions.dossier_files(case),
                          dossier_dir=features.dossier_root(case.path).name)


@router.post("/cases/{name}/dossier")
async def dossier_form(request: Request, name: str):
    ctx = ctx_of(request)
    await checked_form(request)
    lang = ctx.lang(request)
    with ctx.store.open(name, lang) as case:
        try:
            out = actions.generate_dossier(case, lang)
        except UserError as e:
            return _redirect(request, f"/cases/{name}/dossier", [("error", e.problem)])
    return _redirect(request, f"/cases/{name}/dossier", [("ok", tr(lang, "web.dossier.made", run=out.name))])


@router.get("/cases/{name}/files/{rel:path}")
def download(request: Request, name: str, rel: str, view: int = 0):
    ctx = ctx_of(request)
    path = ctx.store.path_of(name)
    found = safe_child(features.dossier_root(path), rel)
    if found is None:
        return ctx.render(request, "error.html", status=404, status_code=404,
                          message=tr(ctx.lang(request), "web.err.no_file"))
    if view and found.suffix.lower() in (".html", ".htm"):
        # Viewed in a sandbox with no script: the dossier quotes collectors' texts.
        resp = FileResponse(found, media_type="text/html; charset=utf-8")
        resp.headers["content-security-policy"] = VIEW_CSP
        return resp
    return FileResponse(found, filename=found.name, content_disposition_type="attachment")


@router.get("/cases/{name}/integrity")
def integrity_page(request: Request, name: str, run: int = 0):
    ctx = ctx_of(request)
    with ctx.store.open(name, ctx.lang(request)) as case:
        result = actions.integrity(case) if run else None
        return ctx.render(request, "integrity.html", case=name, result=result)

