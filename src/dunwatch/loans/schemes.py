"""A loan as it was quoted (principal, term, installments, a rate) expanded into cash flows.

Quoted rates, as Chinese lenders state them:
- `monthly_fee_rate` (月费率): a fee on the ORIGINAL principal every month, however much has been
  repaid ("0.6% a month" → 10,000 × 0.6% = 60 each month); cn-rules.md §3.7 shows why its true
  rate is nearly twice the quoted × 12;
- `monthly_rate` (月利率): interest on the balance still owed, per month;
- `daily_rate` (日利率): interest on the balance still owed, per actual day.
Methods: `equal_installment` (等额本息: equal payments; with a fee rate, principal ÷ n plus the
fee), `equal_principal` (等额本金: principal ÷ n plus interest on the balance), `interest_first`
(先息后本: interest each period, all principal at the end). An upfront deduction (砍头息:
"service", "guarantee", "membership" or insurance fees kept back) makes the first flow the amount
actually received, which is the principal courts count (Civil Code Art. 670; SPC 2020 Art. 26).
Every amount is rounded to the cent (half up) as lenders' schedules are; the last installment
takes the rounding difference.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dunwatch.errors import UserError
from dunwatch.i18n import both, t
from dunwatch.loans.flows import Flow

METHODS = ("equal_installment", "equal_principal", "interest_first")
RATE_KINDS = ("monthly_fee_rate", "monthly_rate", "daily_rate")
CENT = Decimal("0.01")
# A month of a monthly rate on a day-counted schedule, and the annuity period of a daily rate on a
# monthly schedule: 30 days, the Chinese banking convention (月利率 = 日利率 × 30).
DAYS_PER_MONTH = 30


@dataclass(frozen=True)
class Scheme:
    principal: Decimal
    term: str  # "12m", "14d", "2w", "1y"
    rate_kind: str
    rate: Decimal
    method: str = "equal_installment"
    periods: int | None = None  # number of installments; default: months of the term, or 1
    upfront: Decimal = Decimal(0)
    start: date | None = None

    def as_json(self) -> dict:
        d = asdict(self)
        d.update(principal=str(self.principal), rate=str(self.rate), upfront=str(self.upfront),
                 start=self.start.isoformat() if self.start else None)
        return d


def parse_rate(text: str) -> Decimal:
    """"0.006" or "0.6%" → Decimal("0.006")."""
    value = text.strip()
    pct = value.endswith("%")
    if pct:
        value = value[:-1].strip()
    if not re.fullmatch(r"\d+(\.\d*)?|\.\d+", value):
        raise UserError(t("loans.bad_rate", value=text))
    r = Decimal(value)
    return r / 100 if pct else r


def parse_term(text: str) -> tuple[int, str]:
    m = re.fullmatch(r"\s*(\d+)\s*(d|day|days|w|week|weeks|m|month|months|y|year|years)\s*", text or "")
    if not m or int(m.group(1)) == 0:
        raise UserError(t("loans.bad_term", value=text))
    n, unit = int(m.group(1)), m.group(2)[0]
    if unit == "y":
        return 12 * n, "m"
    if unit == "w":
        return 7 * n, "d"
    return n, unit


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _note(key: str, **kw) -> str:
    """Notes are stored in the case, so they carry both languages whatever the user's is now."""
    pair = both(key, **kw)
    return f"{pair['zh-CN']} / {pair['en']}"


def _cents(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def schedule_dates(scheme: Scheme, start: date) -> list[date]:
    length, unit = parse_term(scheme.term)
    n = scheme.periods or (length if unit == "m" else 1)
    if n < 1 or length % n:
        raise UserError(t("loans.bad_periods", periods=n, term=scheme.term))
    step = length // n
    if unit == "m":
        return [add_months(start, step * k) for k in range(1, n + 1)]
    return [start + timedelta(days=step * k) for k in range(1, n + 1)]


def expand(scheme: Scheme, default_start: date) -> list[Flow]:
    """The cash flows of a quoted loan, from the borrower's side (received positive, paid negative)."""
    if scheme.method not in METHODS:
        raise UserError(t("loans.bad_scheme_method", value=scheme.method, allowed=", ".join(METHODS)))
    if scheme.rate_kind not in RATE_KINDS:
        raise UserError(t("loans.bad_rate_kind", value=scheme.rate_kind, allowed=", ".join(RATE_KINDS)))
    p = scheme.principal
    if p <= 0 or scheme.upfront < 0 or scheme.upfront >= p:
        raise UserError(t("loans.bad_principal", principal=p, upfront=scheme.upfront))
    start = scheme.start or default_start
    dates = schedule_dates(scheme, start)
    length, unit = parse_term(scheme.term)
    step = length // len(dates)
    months_per = Decimal(step) if unit == "m" else Decimal(step) / DAYS_PER_MONTH
    previous = [start, *dates]

    def period_rate(k: int) -> Decimal:
        """Rate of installment k on the balance (or on the original principal for a fee rate)."""
        if scheme.rate_kind == "daily_rate":
            return scheme.rate * (previous[k + 1] - previous[k]).days
        return scheme.rate * months_per

    n = len(dates)
    received_note = _note("loans.note_received", principal=p, upfront=scheme.upfront) if scheme.upfront else _note("loans.note_received_all")
    flows = [Flow(start, p - scheme.upfront, received_note, "scheme disbursement")]
    balance = p
    annuity = None
    if scheme.method == "equal_installment" and scheme.rate_kind != "monthly_fee_rate":
        rho = scheme.rate * (months_per if scheme.rate_kind == "monthly_rate" else
                             (DAYS_PER_MONTH * months_per if unit == "m" else step))
        annuity = _cents(p / n if rho == 0 else p * rho / (1 - (1 + rho) ** -n))
    for k, when in enumerate(dates):
        last = k == n - 1
        if scheme.rate_kind == "monthly_fee_rate":
            charge = _cents(p * period_rate(k))  # on the original principal, every period
        else:
            charge = _cents(balance * period_rate(k))
        if scheme.method == "interest_first":
            principal_part = balance if last else Decimal(0)
        elif annuity is not None:
            principal_part = balance if last else min(balance, annuity - charge)
        else:
            principal_part = balance if last else _cents(p / n)
        balance -= principal_part
        flows.append(Flow(when, -(principal_part + charge),
                          _note("loans.note_installment", k=k + 1, n=n, principal=principal_part, charge=charge),
                          f"scheme installment {k + 1}"))
    return flows
