"""Helpers for the web app tests (tests/test_web_*.py): an app on a temporary cases folder, the
session's CSRF token, the demo files and a collector's hostile messages."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from dunwatch.interchange import EVENTS_COLUMNS
from dunwatch.interchange.csvfile import write_rows
from dunwatch.web import create_app

SECRET = bytes(range(32))


def demo_files() -> list[Path]:
    """The demo case's evidence: parties.csv, the phone's SMS and call-log backups, contacts' events."""
    from dunwatch.demo.run import data_files

    return data_files()


def client(cases_dir: Path, **kw) -> TestClient:
    # TestClient drives the real ASGI app in-process (no socket); the browser test runs a real server.
    return TestClient(create_app(cases_dir, secret=SECRET, **kw), base_url="http://127.0.0.1")


def csrf(c: TestClient) -> str:
    return c.get("/api/session").json()["csrf_token"]


def new_case(c: TestClient, name: str = "case-1") -> str:
    r = c.post("/api/cases", json={"name": name, "jurisdiction": "cn", "tz": "Asia/Shanghai"},
               headers={"X-CSRF-Token": csrf(c)})
    assert r.status_code == 201, r.text
    return name


def demo_case(cases_dir: Path, name: str = "demo") -> Path:
    """A case holding the demo data, made with the Python API (faster than through the pages)."""
    from dunwatch.case import Case
    from dunwatch.ingest.importer import import_files

    with Case.init(cases_dir / name, jurisdiction="cn", tz="Asia/Shanghai") as case:
        import_files(case, demo_files())
    return cases_dir / name


def upload(c: TestClient, case: str, path: Path, name: str | None = None):
    return c.post(f"/api/cases/{case}/evidence", params={"filename": name or path.name}, content=path.read_bytes(),
                  headers={"X-CSRF-Token": csrf(c), "content-type": "application/octet-stream"})


HOSTILE_FROM = '<b onmouseover="window.__pwned=4">x</b>'
HOSTILE_TEXTS = [
    "<script>window.__pwned=1</script>还钱",
    '<img src=x onerror="window.__pwned=2">',
    '<a href="javascript:window.__pwned=3">点我</a> javascript:alert(1)',
    '"><svg onload=window.__pwned=5><!--',
    "{{ 7*7 }} {% raw %} =HYPERLINK(\"http://example.invalid\")",
]


def hostile_events(path: Path) -> Path:
    rows = [(f"evil-{i}", "sms", "+8617100000099", "+8613800000001", f"2026-03-0{i + 1}T23:1{i}:00+08:00", "", "", text, "")
            for i, text in enumerate(HOSTILE_TEXTS)]
    rows.append(("evil-from", "chat", HOSTILE_FROM, "+8613800000001", "2026-03-07T12:00:00+08:00", "", "",
                 "javascript:window.__pwned=6", ""))
    write_rows(path, EVENTS_COLUMNS, rows)
    return path


def page_token(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
