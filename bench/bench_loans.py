"""Loan cost: seconds per loan for dunwatch's exact-decimal rate (with the multiple-rate scan and
XIRR) beside numpy-financial's float IRR of the same flows, measured in the same run. Loans from
BENCH_LOANS (default 200) random 36-month schedules, plus one 365-flow daily schedule."""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import line  # noqa: E402

import numpy_financial as npf  # noqa: E402

from dunwatch.loans import Flow, Scheme, cost_of, expand  # noqa: E402

N = int(os.environ.get("BENCH_LOANS", "200"))


def loans() -> list[list[Flow]]:
    rnd = random.Random(6)
    out = []
    for _ in range(N):
        scheme = Scheme(Decimal(rnd.randrange(1000, 100000)), "36m", rnd.choice(["monthly_rate", "monthly_fee_rate"]),
                        Decimal(rnd.randrange(1, 300)) / 10000, rnd.choice(["equal_installment", "equal_principal"]),
                        upfront=Decimal(rnd.randrange(0, 500)))
        out.append(expand(scheme, date(2025, 1, 31)))
    return out


def timed(fn, items) -> float:
    t0 = time.perf_counter()
    for item in items:
        fn(item)
    return (time.perf_counter() - t0) / len(items)


def main() -> None:
    items = loans()
    base = timed(lambda fl: npf.irr([float(f.amount) for f in fl]), items)
    ours = timed(lambda fl: cost_of(fl, "month"), items)
    line(f"loan cost, 36 monthly flows ({N} loans): ms/loan", ours * 1000, "ms", base * 1000, "numpy-financial irr")
    daily = [expand(Scheme(Decimal(10000), "365d", "daily_rate", Decimal("0.0005"), periods=365), date(2025, 1, 1))]
    base = timed(lambda fl: npf.irr([float(f.amount) for f in fl]), daily)
    ours = timed(lambda fl: cost_of(fl, "day"), daily)
    line("loan cost, 365 daily flows: ms/loan", ours * 1000, "ms", base * 1000, "numpy-financial irr")


if __name__ == "__main__":
    main()
