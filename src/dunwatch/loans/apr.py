"""One call from a loan's flows (or quoted scheme) to its full cost result: the `dunwatch apr` API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dunwatch.i18n import both
from dunwatch.loans import caps, explain, periods, rates, schemes
from dunwatch.errors import UserError
from dunwatch.loans.flows import Flow, read_flows

# A scheme given without a start or contract date is dated from here: the rates of a quoted
# scheme do not depend on the calendar except through month lengths, and the result says so.
ARITHMETIC_START = date(2001, 1, 1)


def flows_of_scheme(scheme: schemes.Scheme, facts: caps.Facts) -> tuple[list[Flow], list[dict]]:
    notes = []
    start = scheme.start or facts.contract_date
    if start is None:
        start = ARITHMETIC_START
        notes.append(both("loans.assumed_start", day=start))
    return schemes.expand(scheme, start), notes


def apr(flows: list[Flow], period: str | periods.Period | None = None, convention: str = "irr",
        facts: caps.Facts | None = None, contract_principal: Decimal | None = None,
        notes: list[dict] | None = None) -> dict:
    """The cost of a loan and how it compares with the caps that apply (see docs/loans.md for keys).

    Rates are decimal fractions as strings ("0.1302603236"); money as the decimal strings it came in.
    Raises UserError when the flows have no single rate."""
    facts = facts or caps.Facts()
    cost = rates.cost_of(flows, period, convention)
    result = cost.as_json()
    first = sorted(flows, key=lambda f: f.date)[0]
    result["contract_principal"] = str(contract_principal) if contract_principal is not None else None
    result["upfront_deduction"] = (str(contract_principal - first.amount)
                                   if contract_principal is not None and first.amount > 0 and contract_principal > first.amount
                                   else None)
    result.update(caps.evaluate(cost, facts))
    result["facts"] = facts.as_json()
    result["warnings"] = [both(w) for w in cost.warnings] + list(notes or [])
    result["explanation"] = explain.explain(result, cost.period)
    result["flows"] = [f.as_json() for f in sorted(flows, key=lambda f: f.date)]
    return result


def flows_cost(path, **kw) -> dict:
    """apr() of a FLOWS.csv; an error about the flows names the file."""
    flows = read_flows(path)
    try:
        return apr(flows, **kw)
    except UserError as e:
        if e.path is None:
            raise UserError(e.problem, path) from None
        raise
