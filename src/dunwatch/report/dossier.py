"""Everything the dossier shows, gathered from the case into one context for the templates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dunwatch import i18n
from dunwatch.case import Case
from dunwatch.case.ledger import action_name
from dunwatch.conduct.labels import label_name
from dunwatch.report import charts, facts as case_facts, findings as case_findings, proof, reference
from dunwatch.report.findings import RuleGroup, day_span
from dunwatch.report.messages import tr
from dunwatch.rules.findings import confidence_name, fact_name, fact_text, severity_name

# How much the printed dossier shows (weasyprint lays out a few hundred table rows a second);
# dossier.html and evidence-list.csv hold every cited event.
PRINT_LIMITS = {"examples": 6, "windows": 8, "appendix": 400, "collectors": 5, "tooltips": False}
SCREEN_LIMITS = {"examples": 30, "windows": 100_000, "appendix": 10_000_000, "collectors": 100_000, "tooltips": True}


@dataclass
class FindingView:
    group: RuleGroup
    title: str
    span: str  # first day – last day
    explanation: str
    windows: list[tuple[str, str]]  # (when, figures), every finding of the rule
    examples: list[proof.ProofEvent]  # the best examples first, up to SCREEN_LIMITS["examples"]
    cited: int


def explain(group: RuleGroup, known: dict[str, str]) -> str:
    return known.get(group.rule, "")


def window_text(f: dict) -> str:
    w = f.get("window") or {}
    start, end = w.get("start") or "", w.get("end") or ""
    if not start:
        return "—"
    if start == end or not end:
        return start[:16].replace("T", " ")
    s, e = day_span(start, end)
    if start[11:16] in ("", "00:00") and end[11:16] in ("", "00:00"):
        return s if s == e else f"{s} – {e}"
    return f"{start[:16].replace('T', ' ')} – {end[:16].replace('T', ' ')}"


# Facts already shown elsewhere in the dossier (the debtor in the summary, the labels as highlights,
# a loan's calculation in the loan section).
HIDDEN_FACTS = ("debtor", "debtor_inferred", "debtor_reached", "conversation", "entry", "evidence", "period",
                "periods_per_year", "convention", "periodic_rate", "nominal_annual_rate", "xirr", "compared_rate",
                "first_date", "last_date", "days", "received", "paid", "total_cost", "contract_principal",
                "upfront_deduction", "lender_type", "contract_date", "lender")
LIST_SHOWN = 6


def _fact_value(key: str, value, lang: str) -> str:
    if isinstance(value, dict):
        if value.get("label"):
            return label_name(str(value["label"]), lang)
        return str(value.get("number") or value.get("org") or "")
    if isinstance(value, list):
        items = [_fact_value(key, v, lang) for v in value]
        items = list(dict.fromkeys(i for i in items if i))
        return ", ".join(items[:LIST_SHOWN]) + (f" … (+{len(items) - LIST_SHOWN})" if len(items) > LIST_SHOWN else "")
    return fact_text(key, value, lang)


def figures(f: dict, lang: str) -> str:
    out = []
    for key, value in (f.get("facts") or {}).items():
        if key in HIDDEN_FACTS:
            continue
        text = _fact_value(key, value, lang)
        if text:
            out.append(f"{fact_name(key, lang)}: {text}")
    return "; ".join(out)


# What the loan section shows of each debt's cost (dunwatch.loans.case_costs), in this order.
LOAN_SHOWN = ("debt", "lender", "lender_type", "contract_date", "received", "paid", "total_cost",
              "effective_annual_rate", "cap", "cap_basis", "exceeded", "explanation", "citation")


def loan_costs(case: Case, lang: str) -> list[list[tuple[str, str]]] | None:
    """Each debt's true cost against the cap, from dunwatch.loans when that stage is present: the
    figures a reader needs, named in `lang` (the full calculation is in the case's loan records)."""
    try:
        from dunwatch.loans import case_costs
    except ImportError:
        return None
    out = []
    for c in case_costs(case) or []:
        shown = {k: c.get(k) for k in LOAN_SHOWN}
        shown["cap_basis"] = i18n.pick(c.get("cap_basis"), lang)
        shown["explanation"] = i18n.pick(c.get("error") or c.get("explanation"), lang)
        out.append([(fact_name(k, lang), fact_text(k, v, lang)) for k, v in shown.items() if v not in (None, "")])
    return out or None


def gather(case: Case, lang: str) -> dict:
    facts = case_facts.gather(case)
    groups = case_findings.group(case_findings.latest_findings(case))
    cited_ids = case_findings.cited_event_ids(groups)
    events = proof.load(case, cited_ids)
    rules_of: dict[str, list[str]] = {}
    cited_days: dict[str, dict[date, int]] = {}
    pack = reference.checked_pack(case)
    known = reference.explanations(pack, lang)
    views = []
    for g in groups:
        per_day = cited_days.setdefault(g.rule, {})
        cited = [events[e] for e in g.events if e in events]
        for ev in cited:
            rules_of.setdefault(ev.id, []).append(g.rule)
            d = date.fromisoformat(ev.when[:10])
            per_day[d] = per_day.get(d, 0) + 1
        examples = proof.pick_examples(cited, SCREEN_LIMITS["examples"])
        proof.attach_crops(case, examples)
        windows = [(window_text(f), figures(f, lang)) for f in g.findings]
        first, last = day_span(g.start, g.end)
        views.append(FindingView(g, g.title.get(lang) or g.title.get("en") or g.rule,
                                 first if first == last else f"{first} – {last}", explain(g, known), windows,
                                 examples, len(cited)))
    appendix = [events[e] for e in cited_ids if e in events]
    appendix.sort(key=lambda ev: (ev.when, ev.id))
    files = {}
    for ev in appendix:
        f = files.setdefault(ev.evidence, {"sha256": ev.evidence, "name": ev.evidence_name, "events": 0})
        f["events"] += 1
    return {
        "lang": lang, "facts": facts, "findings": views, "events": events, "groups": groups,
        "charts": charts.build(case, facts, groups, cited_days, lang, reference.chart_lines(pack)),
        "loan": loan_costs(case, lang),
        "appendix": appendix, "rules_of": rules_of,
        "files": sorted(files.values(), key=lambda f: (f["name"], f["sha256"])),
        "severity_counts": {s: sum(1 for g in groups if g.severity == s) for s in ("high", "medium", "low")},
        "t": lambda key, **kw: tr(key, lang, **kw),
        "label_name": lambda label: label_name(label, lang),
        "confidence_name": lambda confidence: confidence_name(confidence, lang),
        "severity_name": lambda severity: severity_name(severity, lang),
        "action_name": lambda action: action_name(action, lang),
    }
