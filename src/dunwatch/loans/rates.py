"""The cost of a loan from its cash flows: periodic rate, nominal and effective annual rates, XIRR.

Two conventions share one time axis (periods.py) and differ only in how a fraction of a period
accrues:
- `irr` (compound throughout): the internal-rate-of-return method that PBOC Announcement
  [2021] No. 3 names for annualised loan rates (cn-rules.md §3.5, §3.7);
- `actuarial`: US Regulation Z Appendix J, where a fraction f of a unit period accrues simple
  interest (1 + f·i) (intl-rules.md §3.2). For flows a whole number of periods apart the two agree.
The nominal annual rate is the periodic rate × periods a year (Reg Z's APR; the "×12" figure of
cn-rules.md §3.7); the effective annual rate compounds it, (1 + i)^periods − 1. XIRR is Excel's
effective annual rate on actual days / 365 (intl-rules.md §3.5).
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from dunwatch.errors import UserError
from dunwatch.i18n import t
from dunwatch.loans import periods, roots
from dunwatch.loans.flows import Flow, net_by_date, received_paid

CONVENTIONS = ("irr", "actuarial")
RATE_PLACES = Decimal("1e-10")


@dataclass
class Cost:
    period: periods.Period
    convention: str
    periodic_rate: Decimal
    nominal_annual_rate: Decimal
    effective_annual_rate: Decimal
    xirr: Decimal | None
    received: Decimal
    paid: Decimal
    first_date: date
    last_date: date
    warnings: list[str] = field(default_factory=list)

    @property
    def total_cost(self) -> Decimal:
        return self.paid - self.received

    @property
    def periods_per_year(self) -> Fraction:
        return self.period.per_year

    def as_json(self) -> dict:
        return {
            "period": self.period.name,
            "periods_per_year": fraction_text(self.periods_per_year),
            "convention": self.convention,
            "periodic_rate": rate_text(self.periodic_rate),
            "nominal_annual_rate": rate_text(self.nominal_annual_rate),
            "effective_annual_rate": rate_text(self.effective_annual_rate),
            "xirr": rate_text(self.xirr) if self.xirr is not None else None,
            "received": str(self.received),
            "paid": str(self.paid),
            "total_cost": str(self.total_cost),
            "first_date": self.first_date.isoformat(),
            "last_date": self.last_date.isoformat(),
            "days": (self.last_date - self.first_date).days,
        }


def rate_text(r: Decimal) -> str:
    """A rate as a decimal fraction with 10 places ("0.1302603236"), never in exponent form."""
    with decimal.localcontext(roots.context()):
        return f"{r.quantize(RATE_PLACES, rounding=decimal.ROUND_HALF_EVEN):f}"


def fraction_text(x: Fraction) -> str:
    if x.denominator == 1:
        return str(x.numerator)
    return rate_text(Decimal(x.numerator) / Decimal(x.denominator))


def _terms(net: list[tuple[date, Decimal]], period: periods.Period) -> list[roots.Term]:
    start = net[0][0]
    return [roots.Term(a, period.length(start, d)) for d, a in net]


def _net(flows: list[Flow]) -> list[tuple[date, Decimal]]:
    net = net_by_date(flows)
    if not net or all(a > 0 for _, a in net) or all(a < 0 for _, a in net):
        raise UserError(t("loans.one_sided"))
    return net


def periodic_rate(flows: list[Flow], period: periods.Period, convention: str = "irr") -> tuple[Decimal, list[str]]:
    if convention not in CONVENTIONS:
        raise UserError(t("loans.bad_convention", value=convention, allowed=", ".join(CONVENTIONS)))
    return roots.solve(_terms(_net(flows), period), simple_fraction=convention == "actuarial")


def xirr(flows: list[Flow]) -> Decimal:
    """Effective annual rate with flows discounted over actual days / 365 (spreadsheet XIRR)."""
    net = _net(flows)
    start = net[0][0]
    terms = [roots.Term(a, Fraction((d - start).days, 365)) for d, a in net]
    return roots.solve(terms)[0]


def annualise(i: Decimal, per_year: Fraction) -> tuple[Decimal, Decimal]:
    """(nominal, effective) annual rates of a periodic rate."""
    with decimal.localcontext(roots.context()):
        n = Decimal(per_year.numerator) / Decimal(per_year.denominator)
        return i * n, (1 + i) ** n - 1


def cost_of(flows: list[Flow], period: periods.Period | str | None = None, convention: str = "irr") -> Cost:
    """The rates of a loan's flows. `period` None or "auto" picks the Reg Z unit period."""
    net = _net(flows)
    if period is None or period == "auto":
        period = periods.auto([d for d, _ in net])
    elif isinstance(period, str):
        period = periods.parse(period)
    i, warnings = periodic_rate(flows, period, convention)
    nominal, effective = annualise(i, period.per_year)
    try:
        x = xirr(flows)
    except UserError:
        x, warnings = None, [*warnings, "loans.warn_no_xirr"]
    received, paid = received_paid(flows)
    return Cost(period, convention, i, nominal, effective, x, received, paid, net[0][0], net[-1][0], warnings)
