"""Which legal caps apply to a loan, and whether its annual cost is above them.

Caps and the LPR history are data (data/caps.toml, data/lpr_1y.toml) with their sources. Which
cap applies depends on facts the flows do not hold (the lender type, the contract date, for a
pre-2020 contract whether it was a cash loan): when one is needed and not given, the result
lists it under `missing` with the flag that supplies it, and no cap is chosen in its place.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib import resources

from dunwatch.errors import UserError
from dunwatch.i18n import MESSAGES, both, t
from dunwatch.loans.rates import Cost, rate_text

# bank: commercial and rural banks; consumer_finance: licensed consumer-finance companies;
# microloan: (online) microloan companies; other_licensed: the other local financial organisations
# the SPC reply of 2021-01-01 names (financing guarantee, pawnshop, financial leasing, commercial
# factoring, local asset management, regional equity market); private: individuals and any
# lender without a financial licence (cn-rules.md §3.6).
LENDER_TYPES = ("bank", "consumer_finance", "microloan", "other_licensed", "private")
KINDS = ("court", "void", "regulator", "target")
COMPARED = "nominal_annual_rate"


@dataclass(frozen=True)
class Facts:
    jurisdiction: str = "cn"
    lender_type: str | None = None
    contract_date: date | None = None
    cash_loan: bool | None = None
    lpr: Decimal | None = None  # the 1Y LPR on the contract date, when the user supplies it

    def as_json(self) -> dict:
        return {"jurisdiction": self.jurisdiction, "lender_type": self.lender_type,
                "contract_date": self.contract_date.isoformat() if self.contract_date else None,
                "cash_loan": self.cash_loan, "lpr": str(self.lpr) if self.lpr is not None else None}


def _load(name: str) -> dict:
    return tomllib.loads((resources.files("dunwatch.loans") / "data" / name).read_text(encoding="utf-8"))


@functools.cache
def cap_table() -> list[dict]:
    caps = _load("caps.toml")["cap"]
    for c in caps:
        assert c["kind"] in KINDS and ("rate" in c) != ("lpr_multiple" in c), c["id"]
    return caps


@functools.cache
def lpr_table() -> tuple[date, list[dict]]:
    data = _load("lpr_1y.toml")
    rows = sorted(data["lpr"], key=lambda r: r["from"])
    return data["confirmed_until"], rows


def lpr_on(day: date) -> dict | None:
    """The 1Y LPR row in force on `day`, or None outside the table's confirmed range."""
    confirmed_until, rows = lpr_table()
    if day < rows[0]["from"] or day > confirmed_until:
        return None
    return [r for r in rows if r["from"] <= day][-1]


def _missing(fact: str, flag: str, key: str, **kw) -> dict:
    return {"fact": fact, "flag": flag, "message": both(key, **kw)}


def _applies(cap: dict, facts: Facts) -> bool | None:
    """True / False, or None when a fact needed to decide is unknown."""
    types = cap["lender_types"]
    if "*" not in types:
        if facts.lender_type is None:
            return None
        if facts.lender_type not in types:
            return False
    if cap.get("requires") == "cash_loan" and not facts.cash_loan:
        return False  # only checked when the user says it was a cash loan
    if "contract_from" in cap or "contract_until" in cap:
        if facts.contract_date is None:
            return None
        if facts.contract_date < cap.get("contract_from", date.min) or facts.contract_date > cap.get("contract_until", date.max):
            return False
    return True


def evaluate(cost: Cost, facts: Facts) -> dict:
    """The caps that apply to a loan and how its nominal annual rate compares with them.

    Keys: caps (every applicable cap), cap / cap_id / cap_basis / citation / confidence (the
    binding one: the lowest court, void or regulator cap), exceeded (True / False / None when no
    cap could be chosen), missing (facts to ask for), compared_rate."""
    if facts.lender_type is not None and facts.lender_type not in LENDER_TYPES:
        raise UserError(t("loans.bad_lender_type", value=facts.lender_type, allowed="|".join(LENDER_TYPES)))
    out: dict = {"compared_rate": COMPARED, "caps": [], "cap": None, "cap_id": None, "cap_basis": None,
                 "citation": None, "confidence": None, "exceeded": None, "missing": []}
    if facts.jurisdiction != "cn":
        out["missing"] = []
        out["cap_notes"] = [both("loans.no_caps_for", j=facts.jurisdiction)]
        return out
    missing: dict[str, dict] = {}
    if facts.lender_type is None:
        missing["lender_type"] = _missing("lender_type", "--lender-type", "loans.ask_lender_type", choices="|".join(LENDER_TYPES))
    for cap in cap_table():
        applies = _applies(cap, facts)
        if applies is None:
            if facts.contract_date is None and ("contract_from" in cap or "contract_until" in cap):
                missing.setdefault("contract_date", _missing("contract_date", "--contract-date", "loans.ask_contract_date"))
            continue
        if not applies:
            continue
        if "lpr_multiple" in cap:
            row = lpr_on(facts.contract_date)
            if facts.lpr is not None:
                lpr, lpr_from, lpr_source = facts.lpr, None, "user"
            elif row is not None:
                lpr, lpr_from, lpr_source = Decimal(row["rate"]), row["from"], row["source"]
            else:
                missing.setdefault("lpr", _missing("lpr", "--lpr", "loans.ask_lpr", day=facts.contract_date,
                                                   until=lpr_table()[0]))
                continue
            multiple = Decimal(cap["lpr_multiple"])
            rate = lpr * multiple
            kw = dict(m=multiple.normalize(), lpr=_pct(lpr), day=facts.contract_date,
                      since=lpr_from.isoformat() if lpr_from else "—", cap=_pct(rate))
            basis = {code: MESSAGES["loans.basis_lpr"][n].format(title=cap["title"][code], **kw)
                     for n, code in enumerate(("zh-CN", "en"))}
            lpr_info = {"lpr": rate_text(lpr), "lpr_from": lpr_from.isoformat() if lpr_from else None, "lpr_source": lpr_source}
        else:
            rate = Decimal(cap["rate"])
            basis = {"zh-CN": cap["title"]["zh-CN"], "en": cap["title"]["en"]}
            lpr_info = {}
        target = cap["kind"] == "target"
        out["caps"].append({
            "id": cap["id"], "kind": cap["kind"], "rate": rate_text(rate),
            "title": {"zh-CN": cap["title"]["zh-CN"], "en": cap["title"]["en"]}, "basis": basis,
            "effect": {"zh-CN": cap["effect"]["zh-CN"], "en": cap["effect"]["en"]},
            "citation": cap["citation"], "confidence": cap["confidence"], "research": cap["research"],
            "exceeded": None if target else cost.nominal_annual_rate > rate,
            "above_target": cost.nominal_annual_rate > rate if target else None,
            "exceeded_effective": None if target else cost.effective_annual_rate > rate,
            **lpr_info,
        })
    out["missing"] = list(missing.values())
    binding = [c for c in out["caps"] if c["kind"] != "target"]
    if binding and not missing:
        cap = min(binding, key=lambda c: Decimal(c["rate"]))
        out.update(cap=cap["rate"], cap_id=cap["id"], cap_basis=cap["basis"], citation=cap["citation"],
                   confidence=cap["confidence"], exceeded=cap["exceeded"])
    return out


def _pct(r: Decimal) -> str:
    return f"{r * 100:.2f}%"
