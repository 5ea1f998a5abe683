"""`dunwatch apr` and `dunwatch loan add/show` as a user runs them, and case_costs on a real case."""

import json
from importlib import resources
from pathlib import Path

import pytest
from conftest import run_cli, snapshot, write_events

from dunwatch.case import Case
from dunwatch.case import evidence as store
from dunwatch.errors import UserError
from dunwatch.loans.apr import flows_cost
from dunwatch.loans.store import case_costs

DEMO_FLOWS = Path(str(resources.files("dunwatch.demo") / "data" / "loan-demo-1.flows.csv"))
KEYS = ("periodic_rate", "periods_per_year", "nominal_annual_rate", "effective_annual_rate")


def flows_file(tmp_path: Path, text: str, name: str = "flows.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_apr_json_from_a_flows_file(tmp_path):
    path = flows_file(tmp_path, "date,amount\n2025-01-15,10000\n" +
                      "".join(f"2025-{m:02d}-15,-893.33\n" for m in range(2, 13)) + "2026-01-15,-893.33\n")
    proc = run_cli("apr", "--flows", str(path), "--period", "month", "--lender-type", "bank", "--json")
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert all(isinstance(r[k], str) for k in KEYS)
    assert r["periods_per_year"] == "12" and r["nominal_annual_rate"].startswith("0.1303")
    assert (r["cap"], r["exceeded"], r["cap_id"]) == ("0.2400000000", False, "cn.financial_24")


def test_apr_from_a_quoted_scheme(tmp_path):
    proc = run_cli("apr", "--principal", "10000", "--term", "12m", "--monthly-fee-rate", "0.6%",
                   "--upfront", "2000", "--lender-type", "private", "--contract-date", "2026-02-15", "--json")
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert r["received"] == "8000" and r["upfront_deduction"] == "2000" and r["contract_principal"] == "10000"
    assert r["exceeded"] is True and r["cap"] == "0.1200000000"
    assert len(r["flows"]) == 13 and r["flows"][0]["date"] == "2026-02-15"


def test_apr_asks_for_missing_facts(tmp_path):
    proc = run_cli("apr", "--flows", str(DEMO_FLOWS), "--json")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["exceeded"] is None
    assert "--lender-type bank|consumer_finance|microloan|other_licensed|private" in proc.stderr
    assert "--contract-date" in proc.stderr
    human = run_cli("apr", "--flows", str(DEMO_FLOWS), lang="zh-CN")
    assert "名义年化利率" in human.stdout and "--lender-type" in human.stdout


def test_apr_period_flag_changes_the_periods_per_year():
    r = json.loads(run_cli("apr", "--flows", str(DEMO_FLOWS), "--period", "week", "--json", check=True).stdout)
    assert r["period"] == "week" and r["periods_per_year"] == "52"
    r = json.loads(run_cli("apr", "--flows", str(DEMO_FLOWS), "--period", "year", "--json", check=True).stdout)
    assert r["periods_per_year"] == "1"


BAD_FLOWS = {
    "date,amount\n2025-01-01,1000\n2025-02-01,-1,050.00\n": "line 3",
    "date,amount\n2025-01-01,1000\n2025-13-01,-1050\n": "bad date",
    "date,amount\n2025-01-01,1000\n2025-02-01,abc\n": "bad amount",
    "when,amount\n2025-01-01,1000\n": "missing date",
    "date,amount\n2025-01-01,1000\n2025-02-01,500\n": "same way",
    "date,amount\n2025-01-01,1000\n\"2025-02-01,-10\n": "line 3",
    "": "empty",
}


@pytest.mark.parametrize("text", list(BAD_FLOWS), ids=range(len(BAD_FLOWS)))
def test_bad_flows_are_a_user_error_naming_file_and_line(tmp_path, monkeypatch, text):
    monkeypatch.setenv("DUNWATCH_LANG", "en")
    path = flows_file(tmp_path, text)
    with pytest.raises(UserError) as e:
        flows_cost(path)
    assert BAD_FLOWS[text] in str(e.value) and "\n" not in str(e.value) and str(path) in str(e.value)


def test_bad_input_on_the_command_line_is_one_clear_line(tmp_path):
    path = flows_file(tmp_path, "date,amount\n2025-01-01,1000\n2025-02-01,abc\n")
    proc = run_cli("apr", "--flows", str(path))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "line 3" in proc.stderr and str(path) in proc.stderr
    proc = run_cli("apr", "--flows", str(DEMO_FLOWS), "--principal", "100")
    assert proc.returncode == 2 and "either" in proc.stderr
    proc = run_cli("apr", "--flows", str(DEMO_FLOWS), "--contract-date", "15/02/2026")
    assert proc.returncode == 2 and "--contract-date" in proc.stderr and "Traceback" not in proc.stderr


def test_loan_add_stores_the_debt_and_the_flows_file_as_evidence(case_dir):
    proc = run_cli("loan", "add", str(case_dir), "--debt", "loan-demo-1", "--flows", str(DEMO_FLOWS),
                   "--lender-type", "private", "--contract-date", "2026-02-15", "--contract-principal", "3000",
                   "--lender", "示例速贷（合成平台）")
    assert proc.returncode == 0, proc.stderr
    assert "loan-demo-1" in proc.stdout and "above it" in proc.stdout
    sha = store.sha256_file(DEMO_FLOWS)
    assert store.stored_path(case_dir, sha).read_bytes() == DEMO_FLOWS.read_bytes()
    with Case.open(case_dir) as c:
        assert c.con.execute("SELECT reader, name FROM evidence WHERE sha256 = ?", [sha]).fetchone() == (
            "loan-flows", "loan-demo-1.flows.csv")
        action, inputs = c.con.execute("SELECT action, inputs FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
        assert action == "loan.add" and json.loads(inputs)["debt"] == "loan-demo-1"
        locators = [r[0] for r in c.con.execute("SELECT locator FROM debt_flows ORDER BY ord").fetchall()]
        assert locators == ["line 2", "line 3", "line 4"]
    assert run_cli("verify", str(case_dir)).returncode == 0
    before = snapshot(case_dir)
    again = run_cli("loan", "add", str(case_dir), "--debt", "loan-demo-1", "--flows", str(DEMO_FLOWS),
                    "--lender-type", "private", "--contract-date", "2026-02-15", "--contract-principal", "3000",
                    "--lender", "示例速贷（合成平台）")
    assert again.returncode == 0 and "nothing changed" in again.stdout
    assert snapshot(case_dir) == before


def test_loan_add_failure_leaves_the_case_exactly_as_it_was(case_dir, tmp_path):
    before = snapshot(case_dir)
    bad = flows_file(tmp_path, "date,amount\n2025-01-01,1000\n2025-02-01,-500\n2025-03-01,x\n")
    proc = run_cli("loan", "add", str(case_dir), "--debt", "d1", "--flows", str(bad), "--lender-type", "bank")
    assert proc.returncode == 2 and "line 4" in proc.stderr
    one_way = flows_file(tmp_path, "date,amount\n2025-01-01,1000\n", "one-way.csv")
    proc = run_cli("loan", "add", str(case_dir), "--debt", "d1", "--flows", str(one_way))
    assert proc.returncode == 2
    assert snapshot(case_dir) == before


def test_a_new_version_replaces_the_facts_and_case_costs_reports_it(case_dir, tmp_path):
    write_events(tmp_path / "events.csv", [
        ("e1", "sms", "1069000000015", "+8613800000001", "2026-03-02T09:05:00+08:00", "", "", "应还金额3,260.00元", "loan-demo-1"),
        ("e2", "sms", "1069000000015", "+8613800000001", "2026-03-03T09:05:00+08:00", "", "", "other", "other-debt"),
    ])
    run_cli("import", str(case_dir), str(tmp_path / "events.csv"), check=True)
    run_cli("loan", "add", str(case_dir), "--debt", "loan-demo-1", "--flows", str(DEMO_FLOWS), check=True)
    with Case.open(case_dir, read_only=True) as c:
        (first,) = case_costs(c)
    assert first["missing"] and first["exceeded"] is None and first["events"] == ["e1"]
    run_cli("loan", "add", str(case_dir), "--debt", "loan-demo-1", "--flows", str(DEMO_FLOWS),
            "--lender-type", "private", "--contract-date", "2026-02-15", "--contract-principal", "3000", check=True)
    run_cli("loan", "add", str(case_dir), "--debt", "bank-1", "--principal", "10000", "--term", "12m",
            "--monthly-fee-rate", "0.6%", "--lender-type", "bank", "--contract-date", "2025-06-01", check=True)
    with Case.open(case_dir, read_only=True) as c:
        costs = {d["debt"]: d for d in case_costs(c)}
    demo, bank = costs["loan-demo-1"], costs["bank-1"]
    for d in (demo, bank):
        for key in ("debt", "entry", "lender_type", "contract_date", *KEYS, "xirr", "total_cost", "cap", "cap_id",
                    "cap_basis", "exceeded", "citation", "confidence", "missing", "explanation", "events", "error"):
            assert key in d, key
    assert (demo["exceeded"], demo["cap"], demo["upfront_deduction"], demo["missing"]) == (True, "0.1200000000", "600.00", [])
    assert demo["total_cost"] == "860.00" and "民间借贷" in demo["citation"]
    assert (bank["exceeded"], bank["cap"], bank["evidence"], bank["upfront_deduction"]) == (False, "0.2400000000", None, None)
    assert bank["nominal_annual_rate"].startswith("0.1303")
    shown = json.loads(run_cli("loan", "show", str(case_dir), "--json", check=True).stdout)
    assert [d["debt"] for d in shown] == ["bank-1", "loan-demo-1"]
    assert run_cli("verify", str(case_dir)).returncode == 0


def test_case_costs_of_a_case_without_debts_is_empty(case_dir):
    with Case.open(case_dir, read_only=True) as c:
        assert case_costs(c) == []
