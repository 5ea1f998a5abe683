"""JSON endpoints (described at /api/openapi.json). Writes need the session's CSRF token in the
X-CSRF-Token header; GET /api/session gives it (and the session cookie) to a same-origin client."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from dunwatch.case import catalog
from dunwatch.case.folder import JURISDICTIONS
from dunwatch.errors import UserError
from dunwatch.web import actions, features, queries
from dunwatch.web.actions import check_header, ctx_of
from dunwatch.web.casestore import BadCaseName
from dunwatch.web.messages import tr
from dunwatch.web.uploads import Staged

router = APIRouter(prefix="/api", tags=["api"])

Role = Literal["debtor", "collector", "lender", "contact", "authority", "unknown"]
assert set(Role.__args__) == set(catalog.PARTY_ROLES)  # type: ignore[attr-defined]
Jurisdiction = Literal["cn", "us", "uk", "in", "eu"]
assert set(Jurisdiction.__args__) == set(JURISDICTIONS)  # type: ignore[attr-defined]
CsrfHeader = Annotated[str | None, Header(alias="X-CSRF-Token", description="token from GET /api/session")]
CaseName = Annotated[str, Field(min_length=1, max_length=64)]


class Session(BaseModel):
    csrf_token: str
    lang: str


class CaseCreate(BaseModel):
    name: CaseName
    jurisdiction: Jurisdiction = "cn"
    tz: str = Field("Asia/Shanghai", max_length=64)


class CaseOut(BaseModel):
    name: str
    jurisdiction: str
    tz: str
    synthetic: bool


class Summary(BaseModel):
    jurisdiction: str
    tz: str
    synthetic: bool
    evidence: int
    events: int
    calls: int
    messages: int
    parties: int
    collectors: int
    ledger: int
    first: str | None
    last: str | None


class Event(BaseModel):
    id: str
    kind: str
    from_: str = Field(alias="from")
    to: str
    at: str
    duration_s: str
    status: str
    text: str
    from_role: str
    to_role: str
    evidence: str
    evidence_name: str | None
    locator: str
    labels: list[str]

    model_config = {"populate_by_name": True}


class EventPage(BaseModel):
    total: int
    events: list[Event]


class Party(BaseModel):
    number: str
    role: str
    name: str
    org: str
    relation: str
    events: int
    calls: int


class TagRequest(BaseModel):
    party: str = Field(min_length=1, max_length=200)
    role: Role
    name: str | None = Field(None, max_length=200)
    org: str | None = Field(None, max_length=200)
    relation: str | None = Field(None, max_length=200)


class TagResult(BaseModel):
    changed: bool
    notes: list[str]


class ImportOut(BaseModel):
    name: str
    ok: bool
    reader: str
    events: int
    parties: int
    already: bool
    sha256: str
    message: str


class UploadResult(BaseModel):
    results: list[ImportOut]
    notes: list[str]


class Problem(BaseModel):
    kind: str
    what: str
    message: str


class Integrity(BaseModel):
    ok: bool
    evidence_files: int
    entries: int
    problems: list[Problem]
    lines: list[str]


class Findings(BaseModel):
    findings: list[dict]


class Error(BaseModel):
    error: str


ERRORS = {400: {"model": Error}, 403: {"model": Error}, 404: {"model": Error}, 413: {"model": Error}}


def _lang(request: Request) -> str:
    return ctx_of(request).lang(request)


@router.get("/session", response_model=Session)
def session(request: Request):
    return Session(csrf_token=ctx_of(request).sessions.csrf_token(request.state.sid), lang=_lang(request))


@router.get("/cases", response_model=list[CaseOut])
def list_cases(request: Request):
    return [CaseOut(**vars(c)) for c in ctx_of(request).store.list()]


@router.post("/cases", response_model=CaseOut, status_code=201, responses={**ERRORS, 409: {"model": Error}})
def create_case(request: Request, body: CaseCreate, x_csrf_token: CsrfHeader = None):
    check_header(request, x_csrf_token)
    ctx = ctx_of(request)
    try:
        exists = ctx.store.exists(body.name)
        ctx.store.path_of(body.name)
    except BadCaseName:
        raise UserError(tr(_lang(request), "web.err.case_name"), "name") from None
    if exists:
        from fastapi.responses import JSONResponse

        return JSONResponse({"error": tr(_lang(request), "web.err.case_exists", name=body.name)}, status_code=409)
    return CaseOut(**vars(ctx.store.create(body.name, body.jurisdiction, body.tz, _lang(request))))


@router.get("/cases/{name}", response_model=Summary, responses=ERRORS)
def case_summary(request: Request, name: str):
    with ctx_of(request).store.open(name, _lang(request)) as case:
        return Summary(**queries.summary(case))


@router.get("/cases/{name}/events", response_model=EventPage, responses=ERRORS)
def events(request: Request, name: str, party: str = "", kind: str = "", label: str = "", finding: str = "",
           limit: Annotated[int, Query(ge=1, le=5000)] = 200, offset: Annotated[int, Query(ge=0, le=10**9)] = 0):
    with ctx_of(request).store.open(name, _lang(request)) as case:
        flt = queries.TimelineFilter(party=party, kind=kind, label=label, finding=finding, limit=limit, offset=offset)
        if finding:
            flt.finding_events = queries.finding_event_ids(features.latest_findings(case), finding)
        total, rows = queries.timeline(case, flt)
        return EventPage(total=total, events=[Event(**r) for r in rows])


@router.get("/cases/{name}/parties", response_model=list[Party], responses=ERRORS)
def parties(request: Request, name: str):
    with ctx_of(request).store.open(name, _lang(request)) as case:
        return [Party(**{k: p[k] for k in Party.model_fields}) for p in queries.parties(case)]


@router.post("/cases/{name}/parties", response_model=TagResult, responses=ERRORS)
def tag(request: Request, name: str, body: TagRequest, x_csrf_token: CsrfHeader = None):
    check_header(request, x_csrf_token)
    with ctx_of(request).store.open(name, _lang(request)) as case:
        changed = actions.tag(case, body.party, body.role, body.name, body.org, body.relation)
        notes = actions.after_change(case) if changed else []
    return TagResult(changed=changed, notes=[n for _, n in notes])


@router.post("/cases/{name}/evidence", response_model=UploadResult, responses=ERRORS,
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
async def upload(request: Request, name: str, filename: Annotated[str, Query(min_length=1, max_length=255)],
                 x_csrf_token: CsrfHeader = None):
    """One evidence file as the raw request body (the page's script sends each file this way, with progress)."""
    check_header(request, x_csrf_token)
    ctx = ctx_of(request)
    ctx.store.path_of(name)  # refuse a bad name before reading the body
    if not ctx.store.exists(name):
        from dunwatch.web.casestore import CaseNotFound

        raise CaseNotFound(name)
    with Staged() as staged:
        path = await staged.add_stream(filename, request.stream(), ctx.max_upload)
        if path.stat().st_size == 0:
            raise UserError(tr(_lang(request), "web.err.empty_file"), path.name)

        def run():
            with ctx.store.open(name, _lang(request)) as case:
                results = actions.import_staged(case, [path])
                notes = actions.after_change(case) if any(r["ok"] and not r["already"] for r in results) else []
                return results, notes

        results, notes = await run_in_threadpool(run)
    return UploadResult(results=[ImportOut(**r) for r in results], notes=[n for _, n in notes])


@router.get("/cases/{name}/findings", response_model=Findings, responses=ERRORS)
def findings(request: Request, name: str):
    with ctx_of(request).store.open(name, _lang(request)) as case:
        return Findings(findings=features.latest_findings(case))


@router.post("/cases/{name}/check", response_model=Findings, responses=ERRORS)
def check(request: Request, name: str, x_csrf_token: CsrfHeader = None):
    check_header(request, x_csrf_token)
    with ctx_of(request).store.open(name, _lang(request)) as case:
        return Findings(findings=features.run_check(case))


@router.get("/cases/{name}/verify", response_model=Integrity, responses=ERRORS)
def integrity(request: Request, name: str):
    with ctx_of(request).store.open(name, _lang(request)) as case:
        return Integrity(**actions.integrity(case))
