"""Schemathesis against the app's own OpenAPI document, in-process: generated requests (valid and
invalid) to every JSON endpoint find no server error (5xx). Each generated request is sent twice:
as generated, and aimed at a real case holding the demo data, so it reaches the code behind."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from web_support import SECRET, demo_files

from dunwatch.case import Case
from dunwatch.ingest.importer import import_files
from dunwatch.web import create_app

# The schema is read when the tests are collected, so the app (and its cases folder) exist from then.
CASES = Path(tempfile.mkdtemp(prefix="dunwatch-schemathesis-"))
atexit.register(shutil.rmtree, CASES, True)
with Case.init(CASES / "demo") as _case:
    import_files(_case, demo_files())
APP = create_app(CASES, secret=SECRET)
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)


def _session():
    from starlette.testclient import TestClient

    c = TestClient(APP, base_url="http://127.0.0.1")
    token = c.get("/api/session").json()["csrf_token"]
    return {"X-CSRF-Token": token}, dict(c.cookies)


HEADERS, COOKIES = _session()


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_has_no_server_errors(case):
    case.call_and_validate(headers=HEADERS, cookies=COOKIES, checks=[not_a_server_error])
    if case.path_parameters and "name" in case.path_parameters:
        case.path_parameters["name"] = "demo"
        case.call_and_validate(headers=HEADERS, cookies=COOKIES, checks=[not_a_server_error])
