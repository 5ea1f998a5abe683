"""Find every rate at which a loan's flows balance, or say clearly why there is none or several.

The equation is Σ a_k · v_k(i) = 0, where v_k discounts flow k by i per period. With x = 1/(1+i)
and compound discounting it is a sum of powers Σ a_k x^{U_k}; by Descartes' rule of signs (which
holds for real exponents too) it has at most as many positive roots x, i.e. rates i > -100%, as
the flows change sign in time order. One change: exactly one rate. None: no rate at all. Two or
more: there may be several, so every sign change of the equation on a fine scan of
s = ln(1+i) ∈ [-25, 25] is refined, and more than one root is an error rather than a pick.

Scanning runs in floating point, in log space so that huge or tiny discount factors cannot
overflow; each bracket is then refined in decimal arithmetic (50 significant digits) with the
Illinois variant of regula falsi, falling back to bisection, so the root is exact to far more
digits than are reported.
"""

from __future__ import annotations

import decimal
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np

from dunwatch.errors import UserError
from dunwatch.i18n import t

PRECISION = 50
S_LIMIT = 25.0  # |ln(1+i)| ≤ 25: periodic rates from -99.99999999986% to 7.2e10
_GRID = S_LIMIT / np.sinh(10.8) * np.sinh(np.linspace(-10.8, 10.8, 6001))


def context() -> decimal.Context:
    return decimal.Context(prec=PRECISION, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN,
                           traps=[decimal.InvalidOperation, decimal.DivisionByZero])


@dataclass(frozen=True)
class Term:
    amount: Decimal
    periods: Fraction  # unit periods from the first flow


def sign_changes(terms: list[Term]) -> int:
    signs = [a.amount > 0 for a in sorted(terms, key=lambda x: x.periods) if a.amount != 0]
    return sum(1 for p, q in zip(signs, signs[1:]) if p != q)


def _scan(terms: list[Term], simple_fraction: bool) -> np.ndarray:
    """Sign of the equation at each grid point s = ln(1+i)."""
    a = np.array([float(x.amount) for x in terms])
    u = np.array([float(x.periods) for x in terms])
    block = max(1, 2_000_000 // len(terms))  # bounded memory for long flow lists
    out = []
    for start in range(0, len(_GRID), block):
        s = _GRID[start:start + block, None]
        if simple_fraction:
            q = np.floor(u)
            logs = np.log(np.abs(a)) - np.log1p((u - q) * np.expm1(s)) - q * s
        else:
            logs = np.log(np.abs(a)) - u * s
        m = logs.max(axis=1, keepdims=True)
        out.append(np.sign((np.sign(a) * np.exp(logs - m)).sum(axis=1)))
    return np.concatenate(out)


def equation(terms: list[Term], simple_fraction: bool):
    """Net present value at rate i, in decimal arithmetic (Reg Z App. J (b)(8) when simple_fraction)."""
    if not simple_fraction:
        # One fractional power per evaluation, then integer powers: (1+i)^(-n/q) = ((1+i)^(1/q))^(-n).
        q = math.lcm(*(x.periods.denominator for x in terms))
        if q <= 1_000_000:
            ordered = sorted((int(x.periods * q), x.amount) for x in terms)
            steps = [(n - m, amount) for (m, _), (n, amount) in zip([(0, None), *ordered], ordered)]

            def f(i: Decimal) -> Decimal:
                down = 1 / ((1 + i) if q == 1 else (1 + i) ** (Decimal(1) / q))
                powers: dict[int, Decimal] = {}  # regular schedules repeat the same step
                v, total = Decimal(1), Decimal(0)
                for step, amount in steps:
                    if step not in powers:
                        powers[step] = down ** step
                    v *= powers[step]
                    total += amount * v
                return total

            return f
    parts = []
    for x in terms:
        whole = x.periods.numerator // x.periods.denominator
        frac = x.periods - whole
        parts.append((x.amount, whole, Decimal(frac.numerator) / Decimal(frac.denominator), frac == 0))

    def f(i: Decimal) -> Decimal:
        one = 1 + i
        total = Decimal(0)
        for amount, whole, frac, integral in parts:
            v = one ** -whole
            if not integral:
                v = v / (1 + frac * i) if simple_fraction else v / one ** frac
            total += amount * v
        return total

    return f


def _refine(f, a: Decimal, b: Decimal, fa: Decimal, fb: Decimal) -> Decimal:
    tol = Decimal("1e-30")
    for n in range(400):
        if n % 4 == 3 or fb == fa:
            c = (a + b) / 2
        else:
            c = b - fb * (b - a) / (fb - fa)
            if not (min(a, b) < c < max(a, b)):
                c = (a + b) / 2
        fc = f(c)
        if fc == 0:
            return c
        if (fc > 0) != (fb > 0):
            a, fa = b, fb
        else:
            fa = fa / 2  # Illinois: stops the far end from sticking
        b, fb = c, fc
        if abs(b - a) <= tol * max(1, abs(c)):
            break
    return b if abs(fb) <= abs(fa) else a


def rates(terms: list[Term], simple_fraction: bool = False) -> list[Decimal]:
    """All periodic rates i > -1 that balance the flows (sorted); [] if none."""
    with decimal.localcontext(context()):
        if sign_changes(terms) == 0:
            return []
        signs = _scan(terms, simple_fraction)
        f = equation(terms, simple_fraction)
        found: list[Decimal] = []
        for j in range(len(_GRID) - 1):
            if signs[j] == 0 and (j == 0 or signs[j - 1] != 0):
                found.append(Decimal(repr(float(np.expm1(_GRID[j])))))  # grid point is (near) a root
            if signs[j] * signs[j + 1] < 0:
                lo, hi = Decimal(repr(float(np.expm1(_GRID[j])))), Decimal(repr(float(np.expm1(_GRID[j + 1]))))
                flo, fhi = f(lo), f(hi)
                if flo == 0:
                    found.append(lo)
                elif fhi == 0:
                    found.append(hi)
                elif (flo > 0) != (fhi > 0):
                    found.append(_refine(f, lo, hi, flo, fhi))
        roots: list[Decimal] = []
        for r in sorted(found):
            if not roots or abs(r - roots[-1]) > Decimal("1e-20") * max(1, abs(r)):
                roots.append(r)
        return roots


def solve(terms: list[Term], simple_fraction: bool = False) -> tuple[Decimal, list[str]]:
    """The one periodic rate of the flows, with warnings; UserError when there is none or several."""
    changes = sign_changes(terms)
    if changes == 0:
        raise UserError(t("loans.one_sided"))
    found = rates(terms, simple_fraction)
    if not found:
        raise UserError(t("loans.no_rate"))
    if len(found) > 1:
        shown = ", ".join(f"{r * 100:.4f}%" for r in found)
        raise UserError(t("loans.several_rates", changes=changes, n=len(found), rates=shown))
    warnings = ["loans.warn_sign_changes"] if changes > 1 else []
    return found[0], warnings
