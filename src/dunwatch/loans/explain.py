"""The cost of a loan in plain words, zh-CN and en (the numbers are those of the JSON result)."""

from __future__ import annotations

from decimal import Decimal

from dunwatch.i18n import MESSAGES
from dunwatch.loans.periods import Period

_UNIT = {"day": ("天", "day", "days"), "week": ("周", "week", "weeks"), "semimonth": ("半月", "half-month", "half-months"),
         "month": ("个月", "month", "months"), "year": ("年", "year", "years")}


def period_words(p: Period) -> dict[str, str]:
    zh, one, many = _UNIT[p.unit]
    return {"zh-CN": f"{p.k}{zh}" if p.k > 1 else zh.removeprefix("个"),
            "en": f"one {one}" if p.k == 1 else f"{p.k} {many}"}


def pct(x: Decimal | str) -> str:
    return f"{Decimal(x) * 100:,.2f}%"


def money(x: Decimal | str) -> str:
    return f"{Decimal(x):,.2f}"


def _count(x: str) -> str:
    d = Decimal(x)
    return str(d) if d == d.to_integral_value() else f"{d:.2f}"


def _fmt(key: str, lang: int, **kw) -> str:
    return MESSAGES[key][lang].format(**kw)


def explain(result: dict, period: Period) -> dict[str, str]:
    """Sentences built from an apr() result: what was received and paid, the rates, the cap."""
    out = {}
    for lang, code in ((0, "zh-CN"), (1, "en")):
        received, paid = Decimal(result["received"]), Decimal(result["paid"])
        parts = [_fmt("loans.x_flows", lang, received=money(received), paid=money(paid), first=result["first_date"],
                      last=result["last_date"], days=result["days"], cost=money(paid - received),
                      share=pct((paid - received) / received) if received else "—")]
        if result.get("upfront_deduction"):
            parts.append(_fmt("loans.x_upfront", lang, contract=money(result["contract_principal"]),
                              upfront=money(result["upfront_deduction"])))
        method = _fmt("loans.x_convention_" + result["convention"], lang)
        parts.append(_fmt("loans.x_rates", lang, period=period_words(period)[code], method=method,
                          periodic=pct(result["periodic_rate"]), ppy=_count(result["periods_per_year"]),
                          nominal=pct(result["nominal_annual_rate"]), effective=pct(result["effective_annual_rate"])))
        if result.get("cap"):
            verdict = _fmt("loans.x_above" if result["exceeded"] else "loans.x_within", lang)
            parts.append(_fmt("loans.x_cap", lang, basis=result["cap_basis"][code], verdict=verdict))
        for m in result.get("missing", []):
            parts.append(m["message"][code])
        for note in result.get("cap_notes", []):
            parts.append(note[code])
        out[code] = ("" if lang == 0 else " ").join(parts)
    return out
