"""Turn query rows into findings as docs/formats.md documents them (the findings JSON list).

Formatting is the same for every engine: it uses only the rows, the pack and a Context of facts
about the case (event times, attributions, labels, contacts, loan costs) gathered once by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from dunwatch.i18n import register, text
from dunwatch.rules.engine import Row
from dunwatch.rules.pack import Pack, Rule

# What people read for each fact key (below, and the loan-cost keys of rate findings), severity and
# confidence, wherever a finding is shown (command line, web app, dossier).
register({
    "fact.count": ("次数", "count"), "fact.limit": ("上限", "limit"), "fact.day": ("日期", "day"),
    "fact.creditor": ("债权机构", "creditor"), "fact.debt": ("债务", "debt"), "fact.debtor": ("借款人", "borrower"),
    "fact.debtor_inferred": ("借款人是推断的", "borrower inferred"),
    "fact.from": ("起", "from"), "fact.to": ("至 / 接收方", "to"), "fact.times": ("时间", "times"),
    "fact.prong": ("认定情形", "prong"), "fact.person": ("被叫人", "person called"),
    "fact.max_in_window": ("窗口内最多", "most in window"), "fact.days": ("天数", "days"),
    "fact.conversation": ("通话", "conversation"), "fact.conversation_at": ("通话时间", "conversation at"),
    "fact.calls_after": ("通话后来电", "calls after"), "fact.kind": ("类型", "kind"),
    "fact.third_party": ("第三人", "third party"), "fact.debtor_reached": ("债务人接通的电话", "debtor's connected call"),
    "fact.debtor_reached_at": ("债务人接通时间", "debtor reached at"), "fact.lookback_hours": ("回看小时数", "look-back hours"),
    "fact.role": ("身份", "role"), "fact.relation": ("关系", "relation"), "fact.word": ("用词", "word"),
    "fact.demands": ("催款次数", "demands"), "fact.collectors": ("催收号码", "collectors"),
    "fact.labels": ("行为标签", "conduct labels"),
    "fact.entry": ("账本记录", "ledger entry"), "fact.lender": ("放贷方", "lender"),
    "fact.lender_type": ("放贷方类型", "lender type"), "fact.contract_date": ("合同日期", "contract date"),
    "fact.evidence": ("证据文件", "evidence file"), "fact.periodic_rate": ("每期利率", "periodic rate"),
    "fact.periods_per_year": ("每年期数", "periods per year"), "fact.nominal_annual_rate": ("名义年利率", "nominal annual rate"),
    "fact.effective_annual_rate": ("实际年利率", "effective annual rate"), "fact.xirr": ("内部收益率（XIRR）", "XIRR"),
    "fact.cap": ("利率上限", "rate cap"), "fact.cap_id": ("上限规则", "cap rule"), "fact.cap_basis": ("上限依据", "cap basis"),
    "fact.exceeded": ("超过上限", "above the cap"), "fact.confidence": ("依据可信度", "confidence"),
    "fact.received": ("实际到手", "received"), "fact.paid": ("付出（或被要求支付）", "paid (or asked to pay)"),
    "fact.total_cost": ("借款成本", "cost of the loan"), "fact.explanation": ("说明", "explanation"),
    "fact.citation": ("依据", "source"),
    "severity.high": ("严重", "serious"), "severity.medium": ("中等", "moderate"), "severity.low": ("轻微", "minor"),
    "confidence.H": ("高（已核对正式文本）", "high (official text checked)"),
    "confidence.M": ("中（多个转载来源一致）", "medium (secondary sources agree)"),
    "confidence.L": ("低（单一转述来源）", "low (one secondary source)"),
    "confidence.advisory": ("仅供参考（无正式规则）", "advisory (no formal rule)"),
})


def fact_name(key: str, lang: str) -> str:
    return text(f"fact.{key}", lang, key)


def severity_name(severity: str | None, lang: str) -> str:
    return text(f"severity.{severity}", lang, severity or "—")


def confidence_name(confidence: str | None, lang: str) -> str:
    return text(f"confidence.{confidence}", lang, confidence or "—")


# Rates are stored as decimal fractions (dunwatch.loans); people read percentages.
RATE_FACTS = ("periodic_rate", "nominal_annual_rate", "effective_annual_rate", "xirr", "cap")


def fact_text(key: str, value, lang: str) -> str:
    """A single fact value as people read it (the JSON keeps the value itself)."""
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if value is None:
        return ""
    if key == "role":
        return text(f"role.{value}", lang, str(value))
    if key == "lender_type":
        return text(f"loans.lt.{value}", lang, str(value))
    if key == "confidence":
        return confidence_name(str(value), lang)
    if key in RATE_FACTS:
        try:
            return f"{float(value) * 100:,.2f}%"
        except (TypeError, ValueError):
            return str(value)
    return str(value)


_EPOCH = datetime(1970, 1, 1)
KEYS = ("rule", "pack", "title", "window", "events", "facts", "citation", "confidence", "severity")


@dataclass
class Context:
    tz: str
    times: dict[str, int] = field(default_factory=dict)  # event id -> UTC epoch seconds
    src_of: dict[str, str] = field(default_factory=dict)  # event id -> sender
    labels: dict[str, list[dict]] = field(default_factory=dict)  # event id -> [{label, score, detector}]
    attributions: dict[str, dict] = field(default_factory=dict)  # number -> {org, role, source, reason}
    parties: dict[str, dict] = field(default_factory=dict)  # number -> {role, name, relation}
    costs: dict[str, dict] = field(default_factory=dict)  # debt -> loans.case_costs() row
    inferred_debtor: str | None = None


def _local(loc_s: int, tz: str) -> datetime:
    return (_EPOCH + timedelta(seconds=loc_s)).replace(tzinfo=ZoneInfo(tz))


def _instant(at_s: int, tz: str) -> datetime:
    return datetime.fromtimestamp(at_s, timezone.utc).astimezone(ZoneInfo(tz))


def _creditor(value: str | None) -> dict:
    if not value:
        return {}
    if value.startswith("debt:"):
        return {"debt": value[5:]}
    return {"creditor": value}


class Formatter:
    def __init__(self, pack: Pack, ctx: Context):
        self.pack, self.ctx = pack, ctx
        self.rules = {r.id: r for r in pack.rules}

    def chrono(self, ids) -> list[str]:
        ids = list(dict.fromkeys(i for i in ids if i))
        return sorted(ids, key=lambda i: (self.ctx.times.get(i, 0), i))

    def window(self, row: Row, ids: list[str]) -> dict:
        tz = self.ctx.tz
        if row.t0 is None:
            return {"start": None, "end": None}
        if row.t0 == row.t1 and len(ids) == 1 and ids[0] in self.ctx.times:
            at = _instant(self.ctx.times[ids[0]], tz).isoformat()  # exact, even in a repeated DST hour
            return {"start": at, "end": at}
        return {"start": _local(row.t0, tz).isoformat(), "end": _local(row.t1, tz).isoformat()}

    def local_time(self, event_id: str) -> str | None:
        at = self.ctx.times.get(event_id)
        return None if at is None else _instant(at, self.ctx.tz).isoformat()

    def collectors(self, ids: list[str]) -> list[dict]:
        out = {}
        for i in ids:
            number = self.ctx.src_of.get(i)
            a = self.ctx.attributions.get(number or "")
            if a and a.get("role") in ("collector", "lender") and number not in out:
                out[number] = {"number": number, **{k: a[k] for k in ("org", "role", "source", "reason") if k in a}}
        return [out[k] for k in sorted(out)]

    def format(self, row: Row) -> dict:
        rule = self.rules[row.rule]
        ids, facts = getattr(self, f"_{rule.kind}")(rule, row)
        ids = self.chrono(ids)
        facts["debtor"] = row.debtor
        if row.debtor and row.debtor == self.ctx.inferred_debtor:
            facts["debtor_inferred"] = True
        who = self.collectors(ids)
        if who:
            facts["collectors"] = who
        citation = rule.citation
        if rule.kind == "rate_cap" and self.ctx.costs.get(row.subject, {}).get("citation"):
            citation = f"{self.ctx.costs[row.subject]['citation']}；{rule.citation}"
        return {"rule": rule.id, "pack": self.pack.id, "title": rule.title_for(), "window": self.window(row, ids),
                "events": ids, "facts": facts, "citation": citation, "confidence": rule.confidence,
                "severity": rule.severity}

    # -- facts per kind ---------------------------------------------------------------------
    def _daily_count(self, rule: Rule, row: Row):
        day = (date(1970, 1, 1) + timedelta(days=row.t0 // 86400)).isoformat()
        return list(row.ids), {"count": row.n, "limit": rule.params["limit"], "day": day, **_creditor(row.subject)}

    def _time_window(self, rule: Rule, row: Row):
        times = [self.local_time(i) for i in self.chrono(row.ids)]
        return list(row.ids), {"count": row.n, "from": rule.params["start"], "to": rule.params["end"],
                               "times": [x for x in times if x], **_creditor(row.subject)}

    def _regf_frequency(self, rule: Rule, row: Row):
        p = rule.params
        if row.tag == "A":
            return list(row.ids), {"prong": "A", "debt": row.subject, "person": row.ref, "count": row.n,
                                   "max_in_window": row.x, "limit": p["limit"], "days": p["days"]}
        return [row.ref, *row.ids], {"prong": "B", "debt": row.subject, "conversation": row.ref,
                                     "conversation_at": self.local_time(row.ref), "calls_after": row.n, "days": p["days"]}

    def _labelled(self, rule: Rule, row: Row):
        wanted = set(rule.params["labels"])
        found = [l for l in self.ctx.labels.get(row.ids[0], []) if l["label"] in wanted
                 and l["score"] >= rule.params["min_score"]] if row.ids else []
        facts = {"to": row.ref, "labels": found} if found else {"to": row.ref, "kind": row.tag}
        return list(row.ids), facts

    def _third_party_contact(self, rule: Rule, row: Row):
        proof = (row.ref or "").split("|", 1)[-1] or None
        who = self.ctx.parties.get(row.subject or "", {})
        facts = {"third_party": row.subject, "count": row.n, "debtor_reached": proof,
                 "debtor_reached_at": self.local_time(proof) if proof else None,
                 "lookback_hours": rule.params["lookback_hours"]}
        facts.update({k: who[k] for k in ("role", "relation") if who.get(k)})
        return [*row.ids, proof], facts

    def _third_party_count(self, rule: Rule, row: Row):
        who = self.ctx.parties.get(row.subject or "", {})
        facts = {"third_party": row.subject, "role": row.tag, "count": row.n, "limit": rule.params["limit"]}
        if who.get("relation"):
            facts["relation"] = who["relation"]
        return list(row.ids), facts

    def _text_lexicon(self, rule: Rule, row: Row):
        return list(row.ids), {"word": row.tag, "to": row.ref}

    def _rate_cap(self, rule: Rule, row: Row):
        cost = self.ctx.costs.get(row.subject, {})
        facts = {"debt": row.subject, "demands": row.n}
        facts.update({k: v for k, v in cost.items() if k not in ("citation",) and isinstance(v, (str, int, float, bool))})
        return list(row.ids), facts


def format_rows(pack: Pack, ctx: Context, rows: list[Row]) -> list[dict]:
    fmt = Formatter(pack, ctx)
    return [fmt.format(r) for r in rows]
