"""The FastAPI application: security middleware, shared context, error pages, routes."""

from __future__ import annotations

import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import Environment, PackageLoader

from dunwatch import i18n
from dunwatch.conduct.labels import label_name
from dunwatch.errors import UserError
from dunwatch.rules.findings import confidence_name, fact_name, fact_text, severity_name
from dunwatch.web.casestore import BadCaseName, CaseNotFound, CaseStore
from dunwatch.web.messages import tr
from dunwatch.web.security import (
    LANG_COOKIE, SECURITY_HEADERS, SESSION_COOKIE, Sessions, install_secret)
from dunwatch.web.uploads import TooLarge

DEFAULT_MAX_UPLOAD = 1 << 30  # 1 GiB: a phone backup with MMS pictures can be hundreds of MB
FORM_LIMIT = 2 << 20  # every other request body
UPLOAD_PATHS = ("/evidence",)


class CsrfFailed(Exception):
    pass


class Flash:
    """Messages carried across a redirect in a signed cookie (texts are escaped where shown)."""

    COOKIE = "dw_flash"

    def __init__(self, secret: bytes):
        self._s = URLSafeSerializer(secret.hex(), salt="dunwatch-flash")

    def dump(self, items: list[tuple[str, str]]) -> str:
        kept, size = [], 0
        for level, text in items:
            text = text[:600]
            size += len(text.encode())
            if size > 2400:  # browsers cap a cookie at 4 KB
                break
            kept.append([level, text])
        return self._s.dumps(kept)

    def load(self, value: str | None) -> list[tuple[str, str]]:
        if not value:
            return []
        try:
            return [(str(a), str(b)) for a, b in self._s.loads(value)]
        except (BadSignature, ValueError, TypeError):
            return []


@dataclass
class WebContext:
    store: CaseStore
    sessions: Sessions
    flash: Flash
    env: Environment
    max_upload: int
    allowed_hosts: set[str]

    def lang(self, request: Request) -> str:
        value = request.cookies.get(LANG_COOKIE)
        return value if value in i18n.LANGS else "zh-CN"

    def render(self, request: Request, template: str, status: int = 200, **ctx) -> HTMLResponse:
        lang = self.lang(request)
        sid = request.state.sid
        flashes = self.flash.load(request.cookies.get(Flash.COOKIE))
        html = self.env.get_template(template).render(
            _=lambda key, **kw: tr(lang, key, **kw), label_name=lambda label: label_name(label, lang),
            # The name of a value from a case (a role, a kind…), or the value itself if it has none.
            name_of=lambda key, value: i18n.text(key, lang, str(value)),
            fact_name=lambda key: fact_name(key, lang), fact_text=lambda key, value: fact_text(key, value, lang),
            confidence_name=lambda confidence: confidence_name(confidence, lang),
            severity_name=lambda severity: severity_name(severity, lang), lang=lang, csrf=self.sessions.csrf_token(sid),
            path=request.url.path, query=request.url.query, flashes=flashes, **ctx)
        resp = HTMLResponse(html, status_code=status)
        if flashes:
            resp.delete_cookie(Flash.COOKIE, path="/")
        return resp

    def set_flash(self, resp: Response, items: list[tuple[str, str]]) -> Response:
        if items:
            resp.set_cookie(Flash.COOKIE, self.flash.dump(items), httponly=True, samesite="strict", path="/")
        return resp


class GuardMiddleware:
    """Pure ASGI: refuse unknown Host headers (DNS rebinding) and oversized bodies, before any parsing."""

    def __init__(self, app, ctx_getter):
        self.app = app
        self.ctx_getter = ctx_getter

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        ctx: WebContext = self.ctx_getter()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "").rsplit(":", 1)[0].strip("[]").lower() if headers.get("host") else ""
        if host not in ctx.allowed_hosts and "*" not in ctx.allowed_hosts:
            return await _plain(send, 400, "unknown host")
        limit = ctx.max_upload + (1 << 20) if scope["path"].endswith(UPLOAD_PATHS) else FORM_LIMIT
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                return await _plain(send, 400, "bad content-length")
            if int(length) > limit:
                return await _plain(send, 413, "too large")
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLarge(limit)
            return message

        return await self.app(scope, counted, send)


async def _plain(send, status: int, text: str) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8")] + [
        (k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": text.encode()})


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(cases_dir: str | Path, *, secret: bytes | None = None, max_upload: int = DEFAULT_MAX_UPLOAD,
               extra_hosts: tuple[str, ...] = ()) -> FastAPI:
    secret = secret or install_secret()
    env = Environment(loader=PackageLoader("dunwatch.web", "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    ctx = WebContext(store=CaseStore(Path(cases_dir)), sessions=Sessions(secret), flash=Flash(secret), env=env,
                     max_upload=max_upload,
                     allowed_hosts={"127.0.0.1", "localhost", "::1", "testserver", *map(str.lower, extra_hosts)})

    # The interactive docs pages load scripts from a CDN: off. The OpenAPI document itself is local.
    app = FastAPI(title="dunwatch", version="1", openapi_url="/api/openapi.json", docs_url=None, redoc_url=None,
                  description="Local JSON endpoints of the dunwatch web app (127.0.0.1 only).")
    app.state.ctx = ctx

    @app.middleware("http")
    async def session_and_headers(request: Request, call_next):
        sid = ctx.sessions.read(request.cookies.get(SESSION_COOKIE))
        new_cookie = None
        if sid is None:
            sid, new_cookie = ctx.sessions.new()
        request.state.sid = sid
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            origin = request.headers.get("origin")
            if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
                response = _error_response(request, 403, tr(ctx.lang(request), "web.err.csrf"))
            else:
                response = await call_next(request)
        else:
            response = await call_next(request)
        if new_cookie:
            response.set_cookie(SESSION_COOKIE, new_cookie, httponly=True, samesite="strict", path="/")
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    app.add_middleware(GuardMiddleware, ctx_getter=lambda: ctx)

    def _error_response(request: Request, status: int, message: str) -> Response:
        if _is_api(request):
            return JSONResponse({"error": message}, status_code=status)
        return ctx.render(request, "error.html", status=status, status_code=status, message=message)

    @app.exception_handler(CsrfFailed)
    async def on_csrf(request: Request, exc: CsrfFailed):
        return _error_response(request, 403, tr(ctx.lang(request), "web.err.csrf"))

    @app.exception_handler(TooLarge)
    async def on_too_large(request: Request, exc: TooLarge):
        return _error_response(request, 413, tr(ctx.lang(request), "web.err.too_large", mb=exc.limit >> 20))

    @app.exception_handler(CaseNotFound)
    async def on_not_found(request: Request, exc: CaseNotFound):
        return _error_response(request, 404, tr(ctx.lang(request), "web.err.no_case"))

    @app.exception_handler(BadCaseName)
    async def on_bad_name(request: Request, exc: BadCaseName):
        return _error_response(request, 404, tr(ctx.lang(request), "web.err.no_case"))

    @app.exception_handler(UserError)
    async def on_user_error(request: Request, exc: UserError):
        return _error_response(request, 400, exc.problem)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError):
        if _is_api(request):
            return JSONResponse({"error": "invalid request", "detail": _jsonable(exc.errors())}, status_code=422)
        return _error_response(request, 422, tr(ctx.lang(request), "web.err.invalid"))

    @app.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception):
        traceback.print_exception(exc, file=sys.stderr)
        return _error_response(request, 500, tr(ctx.lang(request), "web.err.crash", what=type(exc).__name__))

    from dunwatch.web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(packages=[("dunwatch.web", "static")]), name="static")
    return app


def _jsonable(errors) -> list:
    out = []
    for e in errors:
        out.append({k: (v if isinstance(v, (str, int, float, list, type(None))) else str(v))
                    for k, v in e.items() if k != "ctx"})
    return out
