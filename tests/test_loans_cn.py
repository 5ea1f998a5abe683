"""China: the worked examples of cn-rules.md §3.7 and the caps of §3.6, from the shipped data."""

import re
from datetime import date
from decimal import Decimal

import pytest
from conftest import shared_dir

from dunwatch.errors import UserError
from dunwatch.loans import caps, rates
from dunwatch.loans.apr import apr
from dunwatch.loans.flows import Flow
from dunwatch.loans.schemes import Scheme, add_months, expand


def pct(x: Decimal) -> str:
    return f"{x * 100:.2f}"


def scheme_cost(principal, term, kind, rate, **kw):
    flows = expand(Scheme(Decimal(principal), term, kind, Decimal(rate), **kw), date(2025, 1, 15))
    return flows, rates.cost_of(flows)


@pytest.mark.parametrize("principal, term, fee, installment, nominal, effective", [
    ("10000", "12m", "0.006", "893.33", "13.03", "13.84"),
    ("10000", "12m", "0.005", "883.33", "10.90", "11.46"),
    ("30000", "24m", "0.0055", "1415.00", "12.20", "12.91"),
])
def test_monthly_fee_rate_examples(principal, term, fee, installment, nominal, effective):
    """cn-rules.md §3.7: a fee on the original principal; the true rate is near twice quoted × 12."""
    flows, cost = scheme_cost(principal, term, "monthly_fee_rate", fee)
    assert flows[1].amount == -Decimal(installment)
    assert (pct(cost.nominal_annual_rate), pct(cost.effective_annual_rate)) == (nominal, effective)
    assert cost.periods_per_year == 12


@pytest.mark.parametrize("received, nominal, effective", [
    ("10000", "35.07", "41.30"), ("8000", "82.38", "121.84"), ("7000", "113.44", "195.64")])
def test_upfront_deductions_examples(received, nominal, effective):
    """Contract 10,000 repaid 12 × 1,000; the less actually received, the higher the true rate."""
    flows = [Flow(date(2025, 1, 15), Decimal(received))] + [
        Flow(add_months(date(2025, 1, 15), k), Decimal(-1000)) for k in range(1, 13)]
    cost = rates.cost_of(flows)
    assert (pct(cost.nominal_annual_rate), pct(cost.effective_annual_rate)) == (nominal, effective)


def test_upfront_deduction_in_a_scheme_makes_the_received_amount_the_principal():
    flows, cost = scheme_cost("10000", "12m", "monthly_fee_rate", "0.01666666666666666667", upfront=Decimal(2000))
    assert flows[0].amount == Decimal(8000)
    assert pct(cost.nominal_annual_rate) == "82.38"


def test_court_annuity_example():
    """§3.7: 10,000 at 2%/month annuity is 945.60 a month; 8,000 at 12% a year is 710.79."""
    flows, cost = scheme_cost("10000", "12m", "monthly_rate", "0.02")
    assert flows[1].amount == Decimal("-945.60") and pct(cost.nominal_annual_rate) == "24.00"
    flows, cost = scheme_cost("8000", "12m", "monthly_rate", "0.01")
    assert flows[1].amount == Decimal("-710.79") and pct(cost.nominal_annual_rate) == "12.00"
    assert -sum(f.amount for f in flows[1:]) == Decimal("8529.48")


def test_seven_day_loan_with_upfront_deduction():
    flows, cost = scheme_cost("10000", "7d", "daily_rate", "0", upfront=Decimal(3000))
    assert f"{cost.nominal_annual_rate * 100:.1f}" == "2234.7"


def test_equal_principal_and_interest_first_schedules():
    flows, _ = scheme_cost("12000", "12m", "monthly_rate", "0.01", method="equal_principal")
    assert flows[1].amount == Decimal("-1120.00") and flows[-1].amount == Decimal("-1010.00")
    flows, cost = scheme_cost("12000", "12m", "monthly_rate", "0.01", method="interest_first")
    assert [f.amount for f in flows[1:4]] == [Decimal("-120.00")] * 3 and flows[-1].amount == Decimal("-12120.00")
    assert pct(cost.nominal_annual_rate) == "12.00"


def test_daily_rate_counts_actual_days():
    flows, _ = scheme_cost("10000", "2m", "daily_rate", "0.0005", method="interest_first")
    # 2025-01-15 → 02-15 is 31 days, 02-15 → 03-15 is 28 days.
    assert [f.amount for f in flows[1:]] == [Decimal("-155.00"), Decimal("-10140.00")]


@pytest.mark.parametrize("bad", [dict(term="12m", periods=5), dict(term="0m"), dict(term="soon")])
def test_bad_schemes_are_user_errors(bad):
    with pytest.raises(UserError):
        expand(Scheme(Decimal(1000), bad.pop("term"), "monthly_rate", Decimal("0.01"), **bad), date(2025, 1, 1))


# -- caps --------------------------------------------------------------------------------------------------
def test_lpr_table_matches_the_research_table():
    """Every row of cn-rules.md §3.6's LPR table is in the data file with the same value, and no other."""
    text = (shared_dir() / "research" / "cn-rules.md").read_text(encoding="utf-8")
    research = {date.fromisoformat(d): Decimal(v) / 100
                for d, v in re.findall(r"^\| (\d{4}-\d{2}-\d{2}) \| (\d\.\d\d)%", text, flags=re.M)}
    confirmed_until, rows = caps.lpr_table()
    assert {r["from"]: Decimal(r["rate"]) for r in rows} == research
    assert all(r["source"] and r["confidence"] for r in rows)
    assert confirmed_until == date(2026, 4, 19)


@pytest.mark.parametrize("day, rate", [("2019-08-20", "0.0425"), ("2020-04-19", "0.0405"), ("2020-04-20", "0.0385"),
                                       ("2024-10-20", "0.0335"), ("2024-10-21", "0.0310"), ("2026-04-19", "0.0300")])
def test_lpr_on_a_day(day, rate):
    assert caps.lpr_on(date.fromisoformat(day))["rate"] == rate


@pytest.mark.parametrize("day", ["2019-08-19", "2026-04-20"])
def test_lpr_outside_the_confirmed_table_is_unknown(day):
    assert caps.lpr_on(date.fromisoformat(day)) is None


def demo_like() -> list[Flow]:
    return [Flow(date(2026, 2, 15), Decimal("2400.00")), Flow(date(2026, 3, 2), Decimal("-3260.00"))]


def bank_loan() -> list[Flow]:
    return expand(Scheme(Decimal(10000), "12m", "monthly_fee_rate", Decimal("0.006")), date(2026, 2, 15))


def check(flows, **facts):
    return apr(flows, facts=caps.Facts(**facts))


def test_private_lending_cap_is_four_times_lpr_at_the_contract_date():
    r = check(demo_like(), lender_type="private", contract_date=date(2026, 2, 15))
    assert (r["cap"], r["cap_id"], r["exceeded"], r["missing"]) == ("0.1200000000", "cn.private_4lpr", True, [])
    assert "4 × 3.00%" in r["cap_basis"]["en"] and "2026-02-15" in r["cap_basis"]["en"]
    r = check(bank_loan(), lender_type="private", contract_date=date(2022, 9, 1))
    assert r["cap"] == "0.1460000000" and r["exceeded"] is False  # 13.03% under 4 × 3.65%


def test_private_lending_before_2020_08_20_uses_the_24_36_tiers():
    r = check(demo_like(), lender_type="private", contract_date=date(2019, 5, 1))
    assert [c["id"] for c in r["caps"]] == ["cn.private_2015_24", "cn.private_2015_36"]
    assert r["cap"] == "0.2400000000" and [c["kind"] for c in r["caps"]] == ["court", "void"]


@pytest.mark.parametrize("lender_type", ["bank", "consumer_finance", "other_licensed"])
def test_licensed_lenders_are_held_to_24_percent_whatever_the_date(lender_type):
    r = check(bank_loan(), lender_type=lender_type)
    assert (r["cap"], r["cap_id"], r["exceeded"], r["missing"]) == ("0.2400000000", "cn.financial_24", False, [])


def test_microloans_after_the_2025_guideline_report_the_lpr_target():
    r = check(bank_loan(), lender_type="microloan", contract_date=date(2026, 2, 15))
    ids = {c["id"]: c for c in r["caps"]}
    assert set(ids) == {"cn.financial_24", "cn.microloan_new_24", "cn.microloan_target_4lpr"}
    assert ids["cn.microloan_target_4lpr"]["above_target"] is True and ids["cn.microloan_target_4lpr"]["exceeded"] is None
    assert r["cap"] == "0.2400000000" and r["exceeded"] is False


def test_cash_loan_36_percent_only_when_the_user_says_so():
    r = check(demo_like(), lender_type="consumer_finance", contract_date=date(2018, 6, 1), cash_loan=True)
    assert [c["id"] for c in r["caps"]] == ["cn.financial_24", "cn.cash_loan_36"]
    r = check(demo_like(), lender_type="consumer_finance", contract_date=date(2018, 6, 1))
    assert [c["id"] for c in r["caps"]] == ["cn.financial_24"]


def test_missing_facts_are_asked_for_never_guessed():
    r = check(demo_like())
    assert r["cap"] is None and r["exceeded"] is None
    assert [(m["fact"], m["flag"]) for m in r["missing"]] == [("lender_type", "--lender-type"), ("contract_date", "--contract-date")]
    assert "--lender-type bank|consumer_finance|microloan|other_licensed|private" in r["missing"][0]["message"]["en"]
    r = check(demo_like(), lender_type="private")
    assert [m["fact"] for m in r["missing"]] == ["contract_date"] and r["cap"] is None


def test_a_contract_date_beyond_the_lpr_table_asks_for_the_lpr():
    r = check(demo_like(), lender_type="private", contract_date=date(2026, 6, 1))
    assert [m["fact"] for m in r["missing"]] == ["lpr"] and r["cap"] is None
    r = check(demo_like(), lender_type="private", contract_date=date(2026, 6, 1), lpr=Decimal("0.0290"))
    assert r["cap"] == "0.1160000000" and r["caps"][0]["lpr_source"] == "user"


def test_other_jurisdictions_have_no_caps_and_say_so():
    r = check(demo_like(), jurisdiction="us")
    assert r["caps"] == [] and r["cap"] is None and r["missing"] == [] and "us" in r["cap_notes"][0]["en"]


def test_unknown_lender_type_is_an_error():
    with pytest.raises(UserError, match="lender type|出借人类型"):
        check(demo_like(), lender_type="loan_shark")


def test_every_cap_has_a_citation_confidence_and_research_row():
    table = caps.cap_table()
    assert {c["id"] for c in table} >= {"cn.private_4lpr", "cn.private_2015_24", "cn.private_2015_36", "cn.financial_24",
                                        "cn.cash_loan_36", "cn.microloan_new_24"}
    research = (shared_dir() / "research" / "cn-rules.md").read_text(encoding="utf-8")
    for c in table:
        assert c["citation"] and c["confidence"] in ("H", "M", "L") and c["title"]["zh-CN"] and c["effect"]["en"]
        for row in c["research"].split(", "):
            assert f"| {row} |" in research, row


def test_explanation_is_in_both_languages_with_the_numbers():
    r = apr(demo_like(), facts=caps.Facts(lender_type="private", contract_date=date(2026, 2, 15)),
            contract_principal=Decimal(3000))
    assert r["upfront_deduction"] == "600.00"
    for lang in ("zh-CN", "en"):
        text = r["explanation"][lang]
        assert "2,400.00" in text and "871.94%" in text and "12.00%" in text and "600.00" in text
    assert "above it" in r["explanation"]["en"] and "超过了上限" in r["explanation"]["zh-CN"]
