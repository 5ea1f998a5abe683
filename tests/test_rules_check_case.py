"""`dunwatch check` on a case and on plain files: stored findings, the ledger, verify, the CLI."""

from __future__ import annotations

import json

from conftest import run_cli, snapshot
from rules_support import A1, DEBTOR, MOTHER, PARTIES, call, make_case

from dunwatch.case import Case
from dunwatch.case.verify import verify
from dunwatch.rules import check_case, latest_findings

ROWS = [call(i, A1, f"2026-03-02T{10 + i}:00:00+08:00") for i in range(4)] + [
    call(9, A1, "2026-03-02T22:30:00+08:00", status="missed"), call(10, A1, "2026-03-02T15:00:00+08:00", to=MOTHER)]


def test_check_case_stores_findings_attributions_and_a_check_entry(tmp_path):
    with make_case(tmp_path, ROWS) as case:
        findings = check_case(case)
        assert {f["rule"] for f in findings} == {"cn.call_frequency", "cn.quiet_hours", "cn.contacts_harassed"}
        entry = case.con.execute("SELECT seq, action, inputs FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
        assert entry[1] == "check" and json.loads(entry[2])["pack"] == "cn"
        assert case.con.execute("SELECT count(*) FROM findings WHERE entry = ?", [entry[0]]).fetchone()[0] == len(findings)
        attributed = dict(case.con.execute("SELECT party_e164, source FROM attributions WHERE entry = ?", [entry[0]]).fetchall())
        assert attributed[A1] == "user" and attributed[MOTHER] == "address_book" and attributed[DEBTOR] == "user"
        assert latest_findings(case) == findings
        assert verify(case).ok


def test_latest_findings_follow_the_latest_check_even_when_it_found_nothing(tmp_path):
    with make_case(tmp_path, ROWS) as case:
        assert check_case(case)
        assert check_case(case, overrides={r: {"limit": 99} for r in ("cn.call_frequency",)}) != []
        quiet = {"cn.call_frequency": {"limit": 99}, "cn.quiet_hours": {"kinds": ["visit"]},
                 "cn.contacts_harassed": {"lookback_hours": 1}}
        assert check_case(case, overrides=quiet) == []
        assert latest_findings(case) == []


def test_cli_case_check_prints_the_stored_findings_json(tmp_path):
    make_case(tmp_path, ROWS).close()
    proc = run_cli("check", str(tmp_path / "case"), "--json", check=True)
    printed = json.loads(proc.stdout)
    with Case.open(tmp_path / "case") as c:
        assert printed == latest_findings(c)
    assert printed[0]["rule"] == "cn.call_frequency"


def test_cli_case_check_reads_in_chinese(tmp_path):
    make_case(tmp_path, ROWS).close()
    zh = run_cli("check", str(tmp_path / "case"), lang="zh-CN", check=True).stdout.splitlines()
    en = run_cli("check", str(tmp_path / "case"), check=True).stdout.splitlines()
    line = next(x for x in zh if "cn.call_frequency" in x)
    assert line.startswith("[中等] cn.call_frequency") and "（4 条事件）" in line
    assert next(x for x in en if "cn.call_frequency" in x).startswith("[moderate] cn.call_frequency")
    assert not any(word in "\n".join(zh) for word in ("[high]", "[medium]", "[low]"))


def test_a_failed_check_leaves_the_case_exactly_as_it_was(tmp_path):
    make_case(tmp_path, ROWS).close()
    before = snapshot(tmp_path / "case")
    proc = run_cli("check", str(tmp_path / "case"), "--set", "cn.quiet_hours.start=26:00")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "start" in proc.stderr
    assert snapshot(tmp_path / "case") == before


def test_plain_files_give_the_same_findings_as_the_case(tmp_path):
    with make_case(tmp_path, ROWS) as case:
        in_case = check_case(case)
    proc = run_cli("check", str(tmp_path / "events.csv"), "--parties", str(tmp_path / "parties.csv"),
                   "--pack", "cn", "--tz", "Asia/Shanghai", "--json", check=True)
    assert json.loads(proc.stdout) == in_case


def test_plain_file_errors_name_the_file(tmp_path):
    bad = tmp_path / "events.csv"
    bad.write_text("id,kind,from,to,at,duration_s,status,text,debt\nx,call,1,2,2026-03-02 10:00,0,missed,,\n",
                   encoding="utf-8")
    proc = run_cli("check", str(bad), "--pack", "cn")
    assert proc.returncode == 2 and "events.csv" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("check", str(bad), "--pack", "us")
    assert proc.returncode == 2 and "--tz" in proc.stderr


def test_human_output_never_passes_control_characters(tmp_path):
    rows = [call(i, A1, f"2026-03-02T{10 + i}:00:00+08:00", debt="\x1b[31mloan") for i in range(4)]
    make_case(tmp_path, rows, parties=[p for p in PARTIES if p[0] != A1]).close()
    proc = run_cli("check", str(tmp_path / "case"), check=True)
    assert "\x1b" not in proc.stdout and "cn.call_frequency" in proc.stdout


def test_plain_files_are_labelled_by_the_real_classifier(tmp_path):
    # The synthetic demo story as plain interchange files: one SMS claims to be the police
    # (经侦大队), another tells the borrower's mother about the debt.
    from conftest import write_events, write_parties

    from dunwatch.demo import generate

    events, parties = generate.build()
    police = next(e[0] for e in events if "经侦大队" in e[7])
    mother = next(e[0] for e in events if e[3] == generate.MOTHER and e[1] == "sms")
    write_events(tmp_path / "events.csv", events)
    write_parties(tmp_path / "parties.csv", parties)
    proc = run_cli("check", str(tmp_path / "events.csv"), "--parties", str(tmp_path / "parties.csv"), "--json", check=True)
    found = {(f["rule"], tuple(f["events"])) for f in json.loads(proc.stdout)}
    assert ("cn.impersonation", (police,)) in found
    assert ("cn.disclosure", (mother,)) in found
