"""Properties of the rate solver: a loan built at rate r comes back as r; scale does not matter."""

import decimal
from datetime import date, timedelta
from decimal import Decimal

import numpy_financial as npf
from hypothesis import given, settings
from hypothesis import strategies as st

from dunwatch.loans import rates, roots
from dunwatch.loans.flows import Flow
from dunwatch.loans.schemes import add_months

START = date(2024, 1, 31)  # a month end: schedules must keep counting whole months from it
rate_st = st.decimals(min_value=Decimal("-0.5"), max_value=Decimal("3"), places=6)
payments_st = st.lists(st.integers(min_value=1, max_value=10**7), min_size=1, max_size=30)


def built_at(r: Decimal, payments: list[int], months: bool) -> list[Flow]:
    """The amount received that makes `payments` (one a period) worth exactly that much at rate r."""
    with decimal.localcontext(roots.context()):
        when = [add_months(START, k) if months else START + timedelta(days=7 * k) for k in range(1, len(payments) + 1)]
        pv = sum(Decimal(p) / (1 + r) ** k for k, p in enumerate(payments, 1))
        return [Flow(START, pv)] + [Flow(d, Decimal(-p)) for d, p in zip(when, payments)]


@settings(max_examples=60, deadline=None)
@given(rate_st, payments_st, st.booleans())
def test_a_loan_built_at_rate_r_comes_back_as_r(r, payments, months):
    flows = built_at(r, payments, months)
    cost = rates.cost_of(flows, "month" if months else "week")
    assert abs(cost.periodic_rate - r) <= Decimal("1e-20") * max(1, abs(r))


@settings(max_examples=40, deadline=None)
@given(rate_st, payments_st, st.decimals(min_value=Decimal("0.001"), max_value=Decimal("1000000"), places=3))
def test_scaling_the_flows_leaves_the_rate_unchanged(r, payments, k):
    flows = built_at(r, payments, True)
    scaled = [Flow(f.date, f.amount * k) for f in flows]
    a, b = rates.cost_of(flows, "month"), rates.cost_of(scaled, "month")
    assert abs(a.periodic_rate - b.periodic_rate) <= Decimal("1e-20") * max(1, abs(a.periodic_rate))
    assert abs(a.xirr - b.xirr) <= Decimal("1e-20") * max(1, abs(a.xirr))


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=100, max_value=10**6), payments_st)
def test_agrees_with_numpy_financial_on_conventional_flows(advance, payments):
    values = [-advance, *payments]  # one sign change: exactly one rate
    expected = npf.irr(values)
    got = rates.cost_of([Flow(add_months(START, k), Decimal(v)) for k, v in enumerate(values)], "month").periodic_rate
    if expected == expected:  # numpy gives nan when its own search fails; ours still must not
        assert abs(float(got) - expected) <= 1e-7 * max(1.0, abs(expected))


@settings(max_examples=40, deadline=None)
@given(rate_st, payments_st)
def test_effective_and_nominal_annual_rates_follow_the_periodic_rate(r, payments):
    cost = rates.cost_of(built_at(r, payments, True), "month")
    with decimal.localcontext(roots.context()):
        assert abs(cost.nominal_annual_rate - 12 * cost.periodic_rate) < Decimal("1e-30")
        assert abs(cost.effective_annual_rate - ((1 + cost.periodic_rate) ** 12 - 1)) < Decimal("1e-30")
