"""The web app's defences: escaping of collectors' texts, CSRF on every form, upload limits, no
path traversal, Content-Security-Policy, the per-install secret, no outbound connections."""

from __future__ import annotations

import os
import re
import socket
import stat
from pathlib import Path

import lxml.html
import pytest
from fastapi.testclient import TestClient
from web_support import (HOSTILE_FROM, HOSTILE_TEXTS, SECRET, client, csrf, demo_files, hostile_events, new_case,
                         upload)

from dunwatch.web import create_app
from dunwatch.web.security import install_secret, safe_child, valid_case_name

WEB = Path(__file__).resolve().parents[1] / "src" / "dunwatch" / "web"
PAGES = ["", "/evidence", "/timeline", "/charts", "/parties", "/statement", "/findings", "/dossier",
         "/integrity?run=1", "/timeline?kind=sms", "/timeline?party=%2B8617100000099"]


@pytest.fixture
def hostile_case(tmp_path):
    c = client(tmp_path / "cases")
    new_case(c, "evil")
    for f in demo_files():
        assert upload(c, "evil", f).json()["results"][0]["ok"]
    r = upload(c, "evil", hostile_events(tmp_path / "events.csv"), name='<img src=x onerror="window.__pwned=7">.csv')
    assert r.status_code == 200 and r.json()["results"][0]["events"] == len(HOSTILE_TEXTS) + 1, r.text
    return c


def _assert_inert(html: str, where: str) -> None:
    doc = lxml.html.fromstring(html)
    scripts = doc.xpath("//script")
    assert [s.get("src") for s in scripts] == ["/static/app.js"], where
    assert all(not (s.text or "").strip() for s in scripts), where
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for attr, value in el.attrib.items():
            assert not attr.lower().startswith("on"), f"{where}: <{el.tag} {attr}=...>"
            if attr.lower() in ("href", "src", "action", "formaction", "xlink:href"):
                assert not value.strip().lower().startswith(("javascript:", "data:", "//", "http:", "https:")), where
    assert not doc.xpath("//svg//*[local-name()='script' or local-name()='foreignObject']"), where
    assert not doc.xpath("//iframe | //object | //embed | //base"), where


def test_hostile_texts_are_escaped_on_every_page(hostile_case):
    c = hostile_case
    seen_literal = set()
    for page in PAGES + ["/timeline?party=" + HOSTILE_FROM]:
        r = c.get("/cases/evil" + page)
        assert r.status_code == 200, (page, r.text[:500])
        _assert_inert(r.text, page)
        assert "<script>window" not in r.text and "<img src=x" not in r.text and "<svg onload" not in r.text
        text = lxml.html.fromstring(r.text).text_content()
        seen_literal |= {t for t in HOSTILE_TEXTS + [HOSTILE_FROM] if t.split("还钱")[0] in text}
    # The texts are shown to the borrower as they were written, just never as markup.
    assert len(seen_literal) == len(HOSTILE_TEXTS) + 1
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in c.get("/cases/evil/timeline").text
    assert "{{ 7*7 }}" in c.get("/cases/evil/timeline").text  # data is never evaluated as a template
    # The hostile file name is escaped in the evidence list too.
    ev = c.get("/cases/evil/evidence").text
    assert "&lt;img src=x onerror=" in ev and "<img src=x" not in ev


def test_hostile_texts_in_json_stay_data(hostile_case):
    r = hostile_case.get("/api/cases/evil/events", params={"limit": 5000})
    assert r.headers["content-type"].startswith("application/json")
    texts = {e["text"] for e in r.json()["events"]}
    assert set(HOSTILE_TEXTS) <= texts


def test_csp_and_security_headers_on_every_response(hostile_case):
    for url in ["/", "/static/app.css", "/static/app.js", "/api/openapi.json", "/api/cases", "/nowhere",
                *("/cases/evil" + p for p in PAGES)]:
        r = hostile_case.get(url)
        csp = r.headers.get("content-security-policy", "")
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp, url
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, url
        assert r.headers["x-content-type-options"] == "nosniff", url


def test_templates_have_no_inline_script_or_style(tmp_path):
    for f in (WEB / "templates").glob("*.html"):
        html = f.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), f.name
        assert not re.search(r"\sstyle=", html) and "<style" not in html, f.name  # CSP style-src 'self'
        assert not re.search(r"\son[a-z]+=", html), f.name
        assert "|safe" not in html and "autoescape false" not in html and "Markup(" not in html, f.name


def _post_routes(app):
    """Every POST route, whatever way the routers were included."""
    from dunwatch.web import api, pages

    for route in [*app.routes, *api.router.routes, *pages.router.routes]:
        methods = getattr(route, "methods", set()) or set()
        if "POST" in methods:
            yield route.path


def test_every_post_route_rejects_missing_or_wrong_csrf_token(tmp_path):
    c = client(tmp_path / "cases")
    new_case(c, "k")
    routes = list(_post_routes(c.app))
    assert len(routes) >= 12  # pages and API together
    other = client(tmp_path / "cases")  # another browser session: its token must not work here
    foreign = csrf(other)
    for path in routes:
        url = path.replace("{name}", "k").replace("{rel:path}", "x")
        for token in (None, "", "0" * 64, foreign):
            headers = {"X-CSRF-Token": token} if token is not None else {}
            data = {"csrf_token": token} if token is not None else {}
            params = {"filename": "a.csv"}
            r = c.post(url, data=data, headers=headers, params=params)
            if "/api/" in url and path.endswith(("/cases", "/parties")):
                r = c.post(url, json={"name": "zz", "party": "1", "role": "collector"}, headers=headers)
            assert r.status_code == 403, (url, token, r.status_code, r.text[:200])
    assert [p.name for p in (tmp_path / "cases").iterdir()] == ["k"]


def test_valid_token_works_and_cross_origin_post_is_refused(tmp_path):
    c = client(tmp_path / "cases")
    token = csrf(c)
    r = c.post("/cases", data={"csrf_token": token, "name": "ok", "jurisdiction": "cn", "tz": "Asia/Shanghai"},
               follow_redirects=False)
    assert r.status_code == 303 and (tmp_path / "cases" / "ok" / "case.json").is_file()
    r = c.post("/cases", data={"csrf_token": token, "name": "evil", "jurisdiction": "cn", "tz": "Asia/Shanghai"},
               headers={"origin": "http://attacker.example"})
    assert r.status_code == 403 and not (tmp_path / "cases" / "evil").exists()


def test_session_cookie_is_httponly_and_samesite_strict(tmp_path):
    r = client(tmp_path / "cases").get("/")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_unknown_host_header_is_refused(tmp_path):
    # DNS rebinding: a web page on evil.example resolving to 127.0.0.1 must not read the cases.
    c = TestClient(create_app(tmp_path / "cases", secret=SECRET), base_url="http://evil.example")
    assert c.get("/api/cases").status_code == 400


def test_upload_size_limit(tmp_path):
    c = client(tmp_path / "cases", max_upload=4096)
    new_case(c, "k")
    body = (next(f for f in demo_files() if f.name == "sms-backup.xml").read_bytes() * 4)[:9000]
    token = csrf(c)
    r = c.post("/api/cases/k/evidence", params={"filename": "big.csv"}, content=body,
               headers={"X-CSRF-Token": token, "content-type": "application/octet-stream"})
    assert r.status_code == 413
    # Without a Content-Length (chunked), the body is counted while it streams.
    r = c.post("/api/cases/k/evidence", params={"filename": "big.csv"}, content=iter([body[:3000], body[3000:]]),
               headers={"X-CSRF-Token": token, "content-type": "application/octet-stream"})
    assert r.status_code == 413
    r = c.post("/cases/k/evidence", data={"csrf_token": token}, files={"files": ("big.csv", body, "text/csv")})
    assert r.status_code == 413
    # Other forms are capped much lower than uploads.
    r = c.post("/cases/k/parties/tag", data={"csrf_token": token, "party": "1" * (3 << 20), "role": "collector"})
    assert r.status_code == 413
    assert c.get("/api/cases/k").json()["evidence"] == 0
    assert not list((tmp_path / "cases" / "k" / "evidence").rglob("*.*"))


def test_downloads_cannot_leave_the_dossier_folder(tmp_path):
    cases = tmp_path / "cases"
    c = client(cases)
    new_case(c, "k")
    made = cases / "k" / "dossier" / "20260101-000000"
    made.mkdir(parents=True)
    (made / "letter.txt").write_text("ok", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("private", encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", made / "link.txt")
    r = c.get("/cases/k/files/20260101-000000/letter.txt")
    assert r.status_code == 200 and r.text == "ok" and "attachment" in r.headers["content-disposition"]
    for rel in ["../case.json", "..%2Fcase.json", "%2e%2e/case.json", "20260101-000000/../../case.json",
                "20260101-000000/link.txt", "%2Fetc%2Fpasswd", "/etc/passwd", "..%5C..%5Ccase.json",
                "20260101-000000", "20260101-000000/letter.txt%00.html"]:
        r = c.get(f"/cases/k/files/{rel}")
        assert r.status_code == 404, rel
        assert "private" not in r.text and "dunwatch-case" not in r.text
    for name in ["..", "..%2F..%2Fetc", "%2e%2e", ".hidden"]:
        assert c.get(f"/cases/{name}/files/x").status_code in (404, 400)
    assert safe_child(made, "letter.txt") is not None and safe_child(made, "../letter.txt") is None


@pytest.mark.parametrize("name", ["../evil", "..", ".hidden", "a/b", "a\\b", "", " lead", "trail.", "x" * 65,
                                  "a\x00b", "con\nx"])
def test_case_names_cannot_escape_the_cases_folder(tmp_path, name):
    c = client(tmp_path / "cases")
    r = c.post("/api/cases", json={"name": name}, headers={"X-CSRF-Token": csrf(c)})
    assert r.status_code in (400, 422), (name, r.status_code)
    assert not valid_case_name(name)
    assert list((tmp_path / "cases").iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["cases"]


def test_case_names_in_any_script_are_fine():
    assert valid_case_name("我的案件 2026") and valid_case_name("case-1.b") and valid_case_name("केस")


def test_per_install_secret_is_private_and_stable(tmp_path, monkeypatch):
    monkeypatch.setenv("DUNWATCH_CONFIG_DIR", str(tmp_path / "conf"))
    app1 = create_app(tmp_path / "cases")
    secret_file = tmp_path / "conf" / "web-secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert re.fullmatch(r"[0-9a-f]{64}\n", secret_file.read_text())
    c1 = TestClient(app1, base_url="http://127.0.0.1")
    token = csrf(c1)
    app2 = create_app(tmp_path / "cases")  # a restart: same secret, the open page's token still works
    c2 = TestClient(app2, base_url="http://127.0.0.1", cookies=c1.cookies)
    assert csrf(c2) == token
    os.chmod(secret_file, 0o644)
    assert install_secret(tmp_path / "conf") == bytes.fromhex(secret_file.read_text().strip())
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    other = tmp_path / "conf2"
    assert install_secret(other) != install_secret(tmp_path / "conf")


def test_no_outbound_connections_during_a_whole_session(tmp_path, monkeypatch):
    def refuse(*a, **kw):
        raise AssertionError(f"outbound connection attempted: {a}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    c = client(tmp_path / "cases")
    new_case(c, "k")
    for f in demo_files():
        upload(c, "k", f)
    token = csrf(c)
    c.post("/cases/k/parties/tag", data={"csrf_token": token, "party": "+8617100000011", "role": "collector"})
    c.post("/cases/k/check", data={"csrf_token": token})
    c.post("/cases/k/dossier", data={"csrf_token": token})
    for page in PAGES:
        assert c.get("/cases/k" + page).status_code == 200


def test_shipped_files_reference_no_other_origin():
    for f in list((WEB / "templates").glob("*.html")) + list((WEB / "static").glob("*")):
        text = f.read_text(encoding="utf-8")
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), f.name
        assert "@import" not in text and "url(" not in text, f.name
