"""IRR and XIRR against published test vectors (intl-rules.md §3.5) and numpy-financial."""

from datetime import date
from decimal import Decimal

import numpy_financial as npf
import pytest

from dunwatch.errors import UserError
from dunwatch.loans import rates, roots
from dunwatch.loans.flows import Flow
from dunwatch.loans.schemes import add_months


def dated(pairs) -> list[Flow]:
    return [Flow(date.fromisoformat(d), Decimal(a)) for d, a in pairs]


def yearly(values) -> list[Flow]:
    return [Flow(add_months(date(2001, 1, 1), 12 * k), Decimal(str(v))) for k, v in enumerate(values)]


def test_excel_xirr_help_example():
    """Microsoft's XIRR help: 0.373362535 (365-day year; Excel iterates to 0.000001%, i.e. 1e-8)."""
    flows = dated([("2008-01-01", "-10000"), ("2008-03-01", "2750"), ("2008-10-30", "4250"),
                   ("2009-02-15", "3250"), ("2009-04-01", "2750")])
    assert abs(rates.xirr(flows) - Decimal("0.373362535")) < Decimal("1e-8")


def test_rust_xirr_crate_example():
    flows = dated([("2015-06-11", "-1000"), ("2015-07-21", "-9000"), ("2015-10-17", "-3000"), ("2018-06-10", "20000")])
    assert abs(rates.xirr(flows) - Decimal("0.1635371584432641")) < Decimal("1e-15")


def test_libreoffice_xirr_example_in_its_corrected_form():
    """LibreOffice's help prints the 2nd date as 2001-01-02, which does not give its 0.1828; the
    research found 2001-02-01 does (intl-rules.md §0 item 3). The printed form gives 0.19482."""
    corrected = dated([("2001-01-01", "-10000"), ("2001-02-01", "2000"), ("2001-03-15", "2500"),
                       ("2001-05-12", "5000"), ("2001-08-10", "1000")])
    assert f"{rates.xirr(corrected):.4f}" == "0.1828"
    as_printed = [corrected[0], Flow(date(2001, 1, 2), Decimal(2000)), *corrected[2:]]
    assert f"{rates.xirr(as_printed):.5f}" == "0.19482"


def test_xirr_is_the_effective_rate_of_daily_compounding():
    flows = dated([("2024-01-05", "5000"), ("2024-02-05", "-1800"), ("2024-03-05", "-1800"), ("2024-04-08", "-1800")])
    daily = rates.cost_of(flows, "day")
    assert abs(daily.effective_annual_rate - rates.xirr(flows)) < Decimal("1e-25")


UNIQUE = [[-150000, 15000, 25000, 35000, 45000, 60000], [-100, 0, 0, 74], [-100, 39, 59, 55, 20], [-100, 100, 0, 7]]


@pytest.mark.parametrize("values", UNIQUE, ids=range(len(UNIQUE)))
def test_periodic_irr_matches_numpy_financial(values):
    expected = npf.irr(values)
    got = rates.cost_of(yearly(values), "year").periodic_rate
    assert abs(got - Decimal(repr(expected))) < Decimal("1e-9")


def test_numpy_financial_published_values():
    """The values numpy-financial's own tests publish (decimal=2): 0.0524, -0.0955, 0.28095, 0.06206."""
    got = [rates.cost_of(yearly(v), "year").periodic_rate for v in UNIQUE]
    assert [f"{g:.4f}" for g in got] == ["0.0524", "-0.0955", "0.2809", "0.0621"]


@pytest.mark.parametrize("values, count", [([-100, 100, 0, -7], 2), ([-5, 10.5, 1, -8, 1], 3)])
def test_several_rates_are_an_error_that_lists_them(values, count):
    """numpy-financial picks the root nearest 0; a borrower's rate must not be a pick."""
    flows = yearly(values)
    found = roots.rates(rates._terms(rates._net(flows), rates.periods.Period("year")))
    assert len(found) == count
    assert any(abs(r - Decimal(repr(npf.irr(values)))) < Decimal("1e-9") for r in found)
    with pytest.raises(UserError) as e:
        rates.cost_of(flows, "year")
    assert f"{count} rates" in str(e.value) or f"{count} 个利率" in str(e.value)


def test_flows_all_one_way_have_no_rate():
    with pytest.raises(UserError, match="same way|同向"):
        rates.cost_of(yearly([100, 50, 20]), "year")


def test_sign_changes_without_any_root_are_a_no_rate_error():
    # 100 - 300x + 250x² has no real root: received, paid, received again.
    with pytest.raises(UserError, match="no rate|无法计算"):
        rates.cost_of(yearly([100, -300, 250]), "year")


def test_a_rate_below_zero_is_found_when_less_is_paid_back():
    cost = rates.cost_of([Flow(date(2025, 1, 1), Decimal(1000)), Flow(date(2025, 2, 1), Decimal(-900))], "month")
    assert abs(cost.periodic_rate - Decimal("-0.1")) < Decimal("1e-25")


def test_huge_short_term_rates_are_found():
    """Borrow 10,000, receive 7,000, repay 10,000 in 7 days (cn-rules.md §3.7): 2,234.7% simple annualised."""
    flows = [Flow(date(2026, 1, 1), Decimal(7000)), Flow(date(2026, 1, 8), Decimal(-10000))]
    cost = rates.cost_of(flows)
    assert cost.period.name == "7day"
    assert f"{cost.nominal_annual_rate * 100:.1f}" == "2234.7"
    assert cost.effective_annual_rate > 10**8  # compounded weekly for a year


def test_flows_on_one_day_are_netted_and_order_does_not_matter():
    a = dated([("2025-01-01", "1000"), ("2025-02-01", "-510"), ("2025-03-01", "-520")])
    b = dated([("2025-03-01", "-500"), ("2025-02-01", "-510"), ("2025-01-01", "1000"), ("2025-03-01", "-20")])
    assert rates.cost_of(a).periodic_rate == rates.cost_of(b).periodic_rate


def test_rates_print_as_plain_decimals():
    assert rates.rate_text(Decimal("1.5E-7")) == "0.0000001500"
    assert rates.rate_text(Decimal("0.13034182834")) == "0.1303418283"


def test_a_second_advance_with_one_rate_is_solved_with_a_warning():
    """Received, paid, received again (a top-up), paid: three direction changes but one rate."""
    flows = dated([("2025-01-01", "1000"), ("2025-02-01", "-300"), ("2025-03-01", "500"), ("2025-04-01", "-1300")])
    cost = rates.cost_of(flows, "month")
    assert cost.warnings == ["loans.warn_sign_changes"]
    f = roots.equation(rates._terms(rates._net(flows), rates.periods.Period("month")), False)
    assert abs(f(cost.periodic_rate)) < Decimal("1e-25")
