"""The borrower's flows through the web app, on real cases: create and open, upload, timeline
filters, tagging, the borrower's own statement, findings, dossier, integrity, language."""

from __future__ import annotations

from html import unescape
import os
import re
import signal
import socket
import stat
import string
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import snapshot
from web_support import client, csrf, demo_case, demo_files, new_case, page_token, upload

from dunwatch import i18n
from dunwatch.case import Case
from dunwatch.case import evidence as store
from dunwatch.conduct.labels import label_name
from dunwatch.web import queries
from dunwatch.web.messages import MESSAGES, tr


@pytest.fixture
def demo(tmp_path):
    path = demo_case(tmp_path / "cases")
    return client(tmp_path / "cases"), path


def _flashes(html: str) -> list[str]:
    return [unescape(m) for m in re.findall(r'<p class="flash [a-z]+" role="status">([^<]*)</p>', html)]


def test_create_and_open_a_case_through_the_pages(tmp_path):
    c = client(tmp_path / "cases")
    home = c.get("/")
    assert home.status_code == 200 and 'lang="zh-CN"' in home.text and "新建案件" in home.text
    r = c.post("/cases", data={"csrf_token": page_token(home.text), "name": "我的 案件", "jurisdiction": "uk",
                               "tz": "Europe/London"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/cases/%E6%88%91%E7%9A%84%20%E6%A1%88%E4%BB%B6"
    page = c.get(r.headers["location"])
    assert "案件「我的 案件」已建立" in " ".join(_flashes(page.text))
    assert _flashes(c.get(r.headers["location"]).text) == []  # shown once
    with Case.open(tmp_path / "cases" / "我的 案件") as case:
        assert (case.jurisdiction, case.tz) == ("uk", "Europe/London")
    assert "我的 案件" in c.get("/").text
    again = c.post("/cases", data={"csrf_token": csrf(c), "name": "我的 案件", "jurisdiction": "cn", "tz": "Asia/Shanghai"})
    assert "已经有一个" in " ".join(_flashes(again.text))
    bad_tz = c.post("/cases", data={"csrf_token": csrf(c), "name": "x", "jurisdiction": "cn", "tz": "Mars/Base"})
    assert "Mars/Base" in " ".join(_flashes(bad_tz.text)) and not (tmp_path / "cases" / "x").exists()
    assert c.get("/cases/nope").status_code == 404 and "找不到" in c.get("/cases/nope").text


def test_upload_form_without_script_and_reupload_is_a_no_op(tmp_path):
    c = client(tmp_path / "cases")
    new_case(c, "k")
    files = [("files", (f.name, f.read_bytes(), "text/csv")) for f in demo_files()]
    r = c.post("/cases/k/evidence", data={"csrf_token": csrf(c)}, files=files)
    notes = " ".join(_flashes(r.text))
    assert "新增 41 条事件" in notes and "新增 7 条事件" in notes and "5 个当事方" in notes
    r = c.post("/cases/k/evidence", data={"csrf_token": csrf(c)}, files=files)
    assert "相同内容已导入过" in " ".join(_flashes(r.text))
    case_dir = tmp_path / "cases" / "k"
    for f in demo_files():  # originals byte-for-byte, under their own names
        sha = store.sha256_file(f)
        assert store.stored_path(case_dir, sha).read_bytes() == f.read_bytes()
    with Case.open(case_dir) as case:
        assert sorted(r[0] for r in case.con.execute("SELECT name FROM evidence").fetchall()) == sorted(f.name for f in demo_files())


def test_a_bad_file_is_named_and_leaves_the_case_as_it_was(demo, tmp_path):
    c, case_dir = demo
    before = snapshot(case_dir)
    bad = tmp_path / "calls.csv"
    bad.write_text("id,kind,from,to,at,duration_s,status,text,debt\nx1,call,1,2,2026-03-01 10:00,5,answered,,\n", encoding="utf-8")
    r = upload(c, "demo", bad).json()["results"][0]
    assert not r["ok"] and r["message"].startswith("calls.csv: ") and "ISO 8601" in r["message"]
    junk = tmp_path / "photo.heic"
    junk.write_bytes(b"\x00\x01not a known format")
    r = upload(c, "demo", junk).json()["results"][0]
    assert not r["ok"] and "photo.heic" in r["message"]
    assert snapshot(case_dir) == before


def test_timeline_filters(demo):
    from dunwatch.demo.generate import CHAT, build

    n_chat = sum(1 for side, _ in CHAT if side != "sep")  # the demo screenshot's messages
    c, case_dir = demo
    all_rows = c.get("/api/cases/demo/events", params={"limit": 5000}).json()
    assert all_rows["total"] == len(build()[0]) + n_chat
    mother = c.get("/api/cases/demo/events", params={"party": "139 0000 0002"}).json()  # any common writing
    assert mother["total"] == 2 and all("+8613900000002" in (e["from"], e["to"]) for e in mother["events"])
    n_sms = sum(1 for row in build()[0] if row[1] == "sms")
    sms = c.get("/api/cases/demo/events", params={"kind": "sms"}).json()
    assert sms["total"] == n_sms and {e["kind"] for e in sms["events"]} == {"sms"}
    assert c.get("/api/cases/demo/events", params={"kind": "message"}).json()["total"] == n_sms + n_chat
    with Case.open(case_dir) as case:
        labelled: dict[str, set[str]] = {}
        for ev, label in case.con.execute(queries.LATEST_LABELS).fetchall():
            labelled.setdefault(label, set()).add(ev)
    label, ids = max(labelled.items(), key=lambda kv: (len(kv[1]), kv[0]))
    got = c.get("/api/cases/demo/events", params={"label": label, "limit": 5000}).json()
    assert {e["id"] for e in got["events"]} == ids and all(label in e["labels"] for e in got["events"])
    n_sms = sum(1 for e in got["events"] if e["kind"] == "sms")
    page = c.get("/cases/demo/timeline", params={"label": label, "kind": "sms"}).text
    assert page.count('class="ev kind-sms"') == n_sms and f"共 {n_sms} 条" in page
    # Labels read in the page's language, in the filter and on each message; the value stays the id.
    name = label_name(label, "zh-CN")
    assert name != label and f'<option value="{label}" selected>{name}</option>' in page
    assert page.count(f">{name}</a>") == n_sms
    page = c.get("/cases/demo/timeline", params={"party": "+8613900000002"}).text
    assert page.count('class="ev ') == 2
    assert c.get("/cases/demo/timeline", params={"page": 2}).status_code == 200


def test_finding_filter_and_findings_page(demo):
    c, _ = demo
    page = c.get("/cases/demo/findings").text
    found = c.post("/api/cases/demo/check", headers={"X-CSRF-Token": csrf(c)}).json()["findings"]
    assert found, "the demo case breaks several cn rules"
    rule = found[0]["rule"]
    cited = set().union(*(set(f["events"]) for f in found if f["rule"] == rule))
    got = c.get("/api/cases/demo/events", params={"finding": rule, "limit": 5000}).json()
    assert {e["id"] for e in got["events"]} == cited
    page = c.get("/cases/demo/findings").text
    assert page.count('<article class="finding') == len({f["rule"] for f in found})
    assert page.count('<details>') == len(found)  # every occurrence with its evidence
    # Every figure and confidence reads in Chinese: no fact key or confidence code on the page.
    names = re.findall(r'<ul class="facts">(.*?)</ul>', page, flags=re.S)
    spans = [n for block in names for n in re.findall(r"<li><span>([^<]*)</span>", block)]
    assert spans and all(re.search(r"[\u4e00-\u9fff]", n) for n in spans), sorted(set(spans))
    assert "依据可信度: M" not in page and "依据可信度: 中（多个转载来源一致）" in page


def test_tagging_a_collector_updates_parties_and_findings(demo):
    c, case_dir = demo
    token = csrf(c)
    r = c.post("/cases/demo/parties/tag", data={"csrf_token": token, "party": "+86 171 0000 0011", "role": "collector",
                                                "org": "某某催收（合成）"})
    assert "标记为「催收方」" in " ".join(_flashes(r.text))
    parties = {p["number"]: p for p in c.get("/api/cases/demo/parties").json()}
    assert parties["+8617100000011"]["role"] == "collector" and parties["+8617100000011"]["org"] == "某某催收（合成）"
    with Case.open(case_dir) as case:
        actions = [a for (a,) in case.con.execute("SELECT action FROM ledger ORDER BY seq").fetchall()]
    assert "party.tag" in actions
    assert actions[-1].startswith("check") and "问题清单已更新" in " ".join(_flashes(r.text))
    r = c.post("/cases/demo/parties/tag", data={"csrf_token": token, "party": "+8617100000011", "role": "collector",
                                                "org": "某某催收（合成）"})
    assert "没有变化" in " ".join(_flashes(r.text))
    r = c.post("/api/cases/demo/parties", json={"party": "+8617100000012", "role": "collector"}, headers={"X-CSRF-Token": token})
    assert r.json()["changed"] is True
    r = c.post("/api/cases/demo/parties", json={"party": "+8617100000012", "role": "boss"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 422


def test_a_door_visit_becomes_evidence(demo):
    c, case_dir = demo
    r = c.post("/cases/demo/statement/visit", data={
        "csrf_token": csrf(c), "when": "2026-03-05T21:30", "who": "", "org": "某某催收（合成）", "people": "2",
        "place": "家里", "what": "在门口大声喊我的名字", "debtor": "+8613800000001"})
    assert "已保存你的陈述（1 条记录）" in " ".join(_flashes(r.text))
    with Case.open(case_dir) as case:
        row = case.con.execute("""SELECT e.kind, e."at", e.to_e164, e.text, v.name, v.sha256 FROM events e
                                  JOIN evidence v ON v.sha256 = e.evidence WHERE e.kind = 'visit'""").fetchone()
        kind, at, to, text, name, sha = row
        assert (kind, at, to) == ("visit", "2026-03-05T21:30:00+08:00", "+8613800000001")
        assert "在门口大声喊我的名字" in text and "2 人" in text and "借款人陈述" in text
        assert re.fullmatch(r"statement-visit-\d{8}T\d+\.csv", name)
        stored = store.stored_path(case_dir, sha)
        assert store.sha256_file(stored) == sha and "在门口大声喊我的名字" in stored.read_text(encoding="utf-8")
        assert case.con.execute("SELECT action FROM ledger WHERE inputs LIKE ?", [f"%{sha}%"]).fetchone() == ("import",)
        assert case.con.execute("SELECT role FROM parties WHERE party = '某某催收（合成）'").fetchone() == ("collector",)
    assert c.get("/api/cases/demo/verify").json()["ok"]


def test_a_call_a_relative_received_says_who_reported_it(demo):
    c, case_dir = demo
    r = c.post("/cases/demo/statement/relative", data={
        "csrf_token": csrf(c), "when": "2026-03-06T09:10", "kind": "call", "collector": "17100000077",
        "relative_number": "13500000005", "relative_name": "周某（合成）", "relation": "姐姐", "reported_by": "",
        "what": "说我不还钱就去单位闹", "minutes": "3"})
    assert "已保存你的陈述" in " ".join(_flashes(r.text))
    with Case.open(case_dir) as case:
        ev = case.con.execute("""SELECT kind, from_e164, to_e164, duration_s, status, text FROM events
                                 WHERE id LIKE 'stmt-%'""").fetchone()
        assert ev[:5] == ("call", "+8617100000077", "+8613500000005", "180", "answered")
        assert "说我不还钱就去单位闹" in ev[5] and "由 周某（合成） 告知" in ev[5]
        roles = dict(case.con.execute("SELECT party_e164, role FROM parties").fetchall())
        assert roles["+8613500000005"] == "contact" and roles["+8617100000077"] == "collector"
        assert case.con.execute("SELECT relation FROM parties WHERE party_e164 = '+8613500000005'").fetchone() == ("姐姐",)


def test_a_bad_statement_is_refused_and_changes_nothing(demo):
    c, case_dir = demo
    before = snapshot(case_dir)
    token = csrf(c)
    r = c.post("/cases/demo/statement/visit", data={"csrf_token": token, "when": "yesterday evening", "what": "x"})
    assert "时间 'yesterday evening' 无效" in " ".join(_flashes(r.text))
    r = c.post("/cases/demo/statement/relative", data={"csrf_token": token, "when": "2026-03-06T09:10", "kind": "call",
                                                       "relative_number": "", "what": "x"})
    assert "必须填写" in " ".join(_flashes(r.text))
    r = c.post("/cases/demo/statement/relative", data={"csrf_token": token, "when": "2026-03-06T09:10", "kind": "call",
                                                       "relative_number": "135", "minutes": "-2", "what": "x"})
    assert "-2" in " ".join(_flashes(r.text))
    assert snapshot(case_dir) == before


def test_loan_terms_and_cash_flows_become_evidence(demo):
    c, case_dir = demo
    page = c.get("/cases/demo/statement").text
    assert 'id="loan-form"' in page and "loan-demo-1" in page
    before = snapshot(case_dir)
    form = {"csrf_token": csrf(c), "debt": "loan-demo-1", "lender": "示例速贷（合成平台）", "lender_type": "private",
            "contract_date": "2026-01-01", "cash_loan": "yes", "received_date": "2026-01-01", "received_amount": "2000",
            "paid_date_1": "2026-01-08", "paid_amount_1": "abc"}
    r = c.post("/cases/demo/statement/loan", data=form)
    assert "abc" in " ".join(_flashes(r.text)) and snapshot(case_dir) == before
    form.update(paid_amount_1="800", paid_date_2="2026-01-15", paid_amount_2="800", paid_date_3="2026-01-22",
                paid_amount_3="800")
    r = c.post("/cases/demo/statement/loan", data=form)
    notes = " ".join(_flashes(r.text))
    assert "借款 loan-demo-1 已记入案件（4 笔现金流）" in notes, notes
    with Case.open(case_dir) as case:
        name, sha = case.con.execute("SELECT name, sha256 FROM evidence WHERE reader = 'loan-flows'").fetchone()
        assert re.fullmatch(r"statement-loan-loan-demo-1-\d{8}T\d+\.csv", name)
        stored = store.stored_path(case_dir, sha).read_text(encoding="utf-8")
        assert stored.splitlines()[0] == "date,amount,note" and "2026-01-08,-800," in stored and "2026-01-01,2000," in stored
        assert case.con.execute("SELECT count(*) FROM ledger WHERE action = 'loan.add'").fetchone() == (1,)
    page = c.get("/cases/demo/statement").text
    assert "loan-demo-1" in page and "示例速贷（合成平台）" in page
    assert c.get("/api/cases/demo/verify").json()["ok"]


def test_dossier_page(demo):
    c, case_dir = demo
    r = c.post("/cases/demo/dossier", data={"csrf_token": csrf(c)})
    assert "材料已生成" in " ".join(_flashes(r.text))
    links = re.findall(r'href="(/cases/demo/files/[^"?]+)"', r.text)
    assert links
    got = c.get(links[0].replace("&amp;", "&"))
    assert got.status_code == 200 and got.content and "attachment" in got.headers["content-disposition"]


def test_integrity_check_finds_a_changed_original(demo):
    c, case_dir = demo
    assert f"一切完好：{len(demo_files())} 个证据文件" in c.get("/cases/demo/integrity", params={"run": 1}).text
    stored = next(p for p in (case_dir / "evidence").rglob("*") if p.is_file())
    os.chmod(stored, stat.S_IWUSR | stat.S_IRUSR)
    stored.write_bytes(stored.read_bytes() + b"x")
    page = c.get("/cases/demo/integrity", params={"run": 1}).text
    assert "发现 1 个问题" in page and "文件被改动" in page
    assert c.get("/api/cases/demo/verify").json()["problems"][0]["kind"] == "file_altered"


def test_language_switch_and_no_open_redirect(demo):
    c, _ = demo
    r = c.post("/lang", data={"csrf_token": csrf(c), "lang": "en", "next": "/cases/demo/parties"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/cases/demo/parties"
    page = c.get("/cases/demo/parties").text
    assert 'lang="en"' in page and "Numbers and who they are" in page and ">中文<" in page
    # The foundation's own messages (import results) follow the page's language too.
    assert "the same bytes are already in the case" in upload(c, "demo", demo_files()[0]).json()["results"][0]["message"]
    for evil in ("//evil.example/x", "https://evil.example", "/\\evil.example", "javascript:alert(1)"):
        r = c.post("/lang", data={"csrf_token": csrf(c), "lang": "zh-CN", "next": evil}, follow_redirects=False)
        assert r.headers["location"] == "/", evil


def test_every_web_message_in_both_languages():
    for key, (zh, en) in MESSAGES.items():
        assert i18n.MESSAGES[key] == (zh, en)
        fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
        assert fields(zh) == fields(en), key
        assert re.search(r"[\u4e00-\u9fff]", zh) or not re.search(r"[A-Za-z]{4,}", zh), key
    used = set()
    root = Path(__file__).resolve().parents[1] / "src" / "dunwatch" / "web"
    for f in [*root.glob("*.py"), *(root / "templates").glob("*.html")]:
        used |= set(re.findall(r"""["'](web\.[a-z_.]+[a-z_])["']""", f.read_text(encoding="utf-8")))
    missing = {k for k in used if k not in MESSAGES and not k.endswith(".")}
    assert not missing, missing
    assert tr("en", "web.in.ok", n=2, m=3) == "All intact: 2 evidence files, 3 ledger entries."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_binds_loopback_and_warns_for_another_address(tmp_path):
    env = {**os.environ, "DUNWATCH_CONFIG_DIR": str(tmp_path / "conf"), "DUNWATCH_LANG": "en"}
    for host, warned in (("127.0.0.1", False), ("127.0.0.2", True)):
        port = _free_port()
        args = [sys.executable, "-m", "dunwatch", "serve", "--port", str(port), "--cases-dir", str(tmp_path / "cases")]
        if host != "127.0.0.1":
            args += ["--host", host]
        proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.time() + 20
            while time.time() < deadline:
                try:
                    socket.create_connection((host, port), timeout=0.5).close()
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                raise AssertionError("server did not start")
            if host == "127.0.0.1":
                with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:  # not on the other loopback address
                    assert s.connect_ex(("127.0.0.2", port)) != 0
        finally:
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=10)
        assert f"http://{host}:{port}/" in out
        assert ("WARNING" in err) == warned, err
    secret = tmp_path / "conf" / "web-secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert list((tmp_path / "cases").iterdir()) == []
