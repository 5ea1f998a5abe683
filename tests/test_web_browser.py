"""End to end in a real browser: Debian's chromium, headless, driven by Playwright, against
`dunwatch serve` started as a user would start it. Screenshots go to test-artifacts/web/."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from web_support import HOSTILE_TEXTS, demo_files, hostile_events


CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(os.environ.get("DUNWATCH_TEST_ARTIFACTS", REPO / "test-artifacts")) / "web"

# No skip: a browser test that silently skips would count as passing. make test and .ci/run
# install Debian's chromium (scripts/debian-test.txt).
assert Path(CHROMIUM).exists(), "Debian chromium is not installed: run scripts/install-debian-packages.sh runtime test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    env = {**os.environ, "DUNWATCH_CONFIG_DIR": str(tmp_path / "config"), "DUNWATCH_LANG": "zh-CN"}
    proc = subprocess.Popen([sys.executable, "-m", "dunwatch", "serve", "--port", str(port),
                             "--cases-dir", str(tmp_path / "cases")], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None:
                raise AssertionError(proc.stderr.read())
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}", tmp_path
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    err = proc.stderr.read()
    assert "Traceback" not in err, err


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _drop_file(page, selector: str, name: str, content: str) -> None:
    """What the browser does when a file is dragged from the desktop onto the drop zone."""
    page.evaluate(
        """([sel, name, content]) => {
            const dt = new DataTransfer();
            dt.items.add(new File([content], name, {type: "text/csv"}));
            const zone = document.querySelector(sel);
            zone.dispatchEvent(new DragEvent("dragenter", {dataTransfer: dt, bubbles: true}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true}));
        }""", [selector, name, content])


def test_borrower_journey_in_chromium(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    base, root = server
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}, locale="zh-CN")

        def only_local(route):
            if route.request.url.startswith(base + "/"):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", only_local)
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        # 1. Home, in Chinese; create a case.
        page.goto(base + "/")
        expect(page.locator("h1")).to_contain_text("一步一步")
        _shot(page, "01-home")
        page.fill("#new-case input[name=name]", "我的案件")
        page.click("#new-case button[type=submit]")
        expect(page.locator(".flash.ok")).to_contain_text("我的案件")
        _shot(page, "02-new-case")

        # 2. Evidence: choose the demo exports (the script uploads them with progress), then drop a
        #    collector's hostile messages onto the drop zone.
        page.click("nav.casenav a[href$='/evidence']")
        files = [str(f) for f in demo_files()]
        page.set_input_files("#file-input", files)
        expect(page.locator("#upload-done")).to_be_visible(timeout=30_000)
        expect(page.locator("#upload-list li.ok")).to_have_count(len(files))
        _shot(page, "03-uploaded")
        hostile = hostile_events(tmp_path / "hostile.csv").read_text(encoding="utf-8")
        _drop_file(page, "#dropzone", "collector-sms.csv", hostile)
        expect(page.locator("#upload-list li.ok")).to_have_count(len(files) + 1, timeout=30_000)
        page.goto(page.url)
        expect(page.locator("table tbody tr")).to_have_count(len(files) + 1)

        # 3. Timeline with the hostile texts shown as text, never run.
        page.click("nav.casenav a[href$='/timeline']")
        expect(page.locator("table.timeline")).to_contain_text(HOSTILE_TEXTS[0])
        assert page.evaluate("window.__pwned") is None
        page.select_option("select[name=kind]", "sms")
        page.click("#filters button[type=submit]")
        assert "kind=sms" in page.url
        assert page.locator("table.timeline tbody tr").count() >= 10
        _shot(page, "04-timeline")
        page.click("nav.casenav a[href$='/charts']")
        expect(page.locator("figure.chart svg rect.bar").first).to_be_visible()
        _shot(page, "05-charts")

        # 4. Tag a collector.
        page.click("nav.casenav a[href$='/parties']")
        row = page.locator("table.parties tr", has_text="+8617100000011")
        row.locator("select[name=role]").select_option("collector")
        row.locator("input[name=org]").fill("某某催收（合成）")
        row.locator("button[type=submit]").click()
        expect(page.locator(".flash.ok").first).to_contain_text("+8617100000011")
        expect(page.locator("table.parties tr", has_text="+8617100000011")).to_contain_text("催收方")
        _shot(page, "06-parties")

        # 5. What only the borrower knows: a door visit.
        page.click("nav.casenav a[href$='/statement']")
        page.fill("#visit-form input[name=when]", "2026-03-05T21:30")
        page.fill("#visit-form input[name=org]", "某某催收（合成）")
        page.fill("#visit-form input[name=people]", "2")
        page.fill("#visit-form textarea[name=what]", "两个人在门口大声喊我的名字")
        _shot(page, "07-statement")
        page.click("#visit-form button[type=submit]")
        expect(page.locator("table.timeline")).to_contain_text("两个人在门口大声喊我的名字")
        # The loan's terms and the money that changed hands.
        page.click("nav.casenav a[href$='/statement']")
        page.fill("#loan-form input[name=lender]", "示例速贷（合成平台）")
        page.fill("#loan-form input[name=received_date]", "2026-01-01")
        page.fill("#loan-form input[name=received_amount]", "2000")
        for i, day in enumerate(("2026-01-08", "2026-01-15", "2026-01-22"), 1):
            page.fill(f"#loan-form input[name=paid_date_{i}]", day)
            page.fill(f"#loan-form input[name=paid_amount_{i}]", "800")
        page.click("#loan-form button[type=submit]")
        expect(page.locator(".flash.ok").first).to_contain_text("loan-demo-1")
        _shot(page, "07b-loan")

        # 6. Findings.
        page.click("nav.casenav a[href$='/findings']")
        expect(page.locator("article.finding").first).to_be_visible()
        _shot(page, "08-findings")

        # 7. Dossier: make it and download it.
        page.click("nav.casenav a[href$='/dossier']")
        page.click("#make-dossier")
        expect(page.locator("a.download").first).to_be_visible(timeout=60_000)
        with page.expect_download() as info:
            page.locator("a.download").first.click()
        saved = ARTIFACTS / "downloads" / info.value.suggested_filename
        info.value.save_as(saved)
        assert saved.stat().st_size > 0
        _shot(page, "09-dossier")

        # 8. Integrity check, then the English switch.
        page.click("nav.casenav a[href$='/integrity']")
        page.click("#run-verify")
        expect(page.locator("#verify-result")).to_contain_text("一切完好")
        _shot(page, "10-integrity")
        page.click(".langswitch button")
        expect(page.locator("#verify-result")).to_contain_text("All intact")
        page.click("nav.casenav a[href$='/cases/%E6%88%91%E7%9A%84%E6%A1%88%E4%BB%B6']")
        _shot(page, "11-overview-en")

        assert page.evaluate("window.__pwned") is None
        browser.close()
    assert outside == [], outside
    assert dialogs == [], dialogs
    assert not [e for e in errors if "Content Security Policy" in e], errors
    assert (root / "cases" / "我的案件" / "case.json").is_file()
