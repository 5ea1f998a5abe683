"""Turn query rows into findings as docs/formats.md documents them (the findings JSON list).

Formatting is the same for every engine: it uses only the rows, the pack and a Context of facts
about the case (event times, attributions, labels, contacts, loan costs) gathered once by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from dunwatch.rules.engine import Row
from dunwatch.rules.pack import Pack, Rule

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
