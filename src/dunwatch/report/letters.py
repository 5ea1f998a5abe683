"""Complaint letters, one per channel (data/channels.json), each asking for what that channel can do.

A letter is composed here from the case facts and findings, then written twice: as plain text to
paste into a web form (templates/letter.<lang>.txt.j2) and as a printable page
(templates/letter.html.j2, escaped like the dossier).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources

from dunwatch import i18n
from dunwatch.report.facts import CaseFacts
from dunwatch.report.findings import RuleGroup, day_span
from dunwatch.report.masking import mask_name, mask_number, mask_text
from dunwatch.report.messages import tr
from dunwatch.report.proof import ProofEvent, pick_examples

QUOTES_PER_FINDING = 2
QUOTE_CHARS = 120
NUMBERS_LISTED = 20


def _data(name: str) -> dict:
    return json.loads((resources.files("dunwatch.report") / "data" / name).read_text(encoding="utf-8"))


def channels(jurisdiction: str) -> list[dict]:
    return _data("channels.json").get(jurisdiction, [])


@dataclass
class Letter:
    channel: str
    lang: str
    to: str
    contact: str
    kind: str
    subject: str
    complainant: list[str]
    respondent: list[str]
    facts: list[tuple[str, list[str]]]  # one line per finding, with quoted examples
    basis: list[str]
    requests: list[str]
    evidence: str = ""
    precondition: str = ""
    note: str = ""
    source: str = ""
    masked: bool = False
    cfpb: list[tuple[str, str]] = field(default_factory=list)  # (issue, sub-issue) per finding
    numbers: list[str] = field(default_factory=list)  # full list of collector numbers (12321)


def cfpb_category(group: RuleGroup, events: dict[str, ProofEvent]) -> tuple[str, str] | None:
    """The CFPB issue / sub-issue for a us-pack finding: by rule id first, then by the provision cited."""
    table = _data("cfpb_categories.json")["map"]
    entry = next((e for e in table if group.rule in e["rule_ids"]), None) \
        or next((e for e in table if any(c in group.citation for c in e["cites"])), None)
    if entry is None:
        return None
    cited = [events[e] for e in group.events if e in events]
    labels = Counter(name for ev in cited for name, _ in ev.labels)
    if labels and labels.most_common(1)[0][0] in entry.get("by_label", {}):
        return tuple(entry["by_label"][labels.most_common(1)[0][0]])  # type: ignore[return-value]
    if entry.get("electronic") and cited and all(ev.kind != "call" for ev in cited):
        return tuple(entry["electronic"])  # type: ignore[return-value]
    return entry["issue"], entry["sub_issue"]


def compose(channel: dict, facts: CaseFacts, groups: list[RuleGroup], events: dict[str, ProofEvent],
            lang: str, pii: dict[str, list[tuple[int, int]]]) -> Letter:
    masked = bool(channel.get("masked"))
    lender = ", ".join(dict.fromkeys(p.org or p.name or p.party for p in facts.lenders)) \
        or ", ".join(dict.fromkeys(c.org for c in facts.collectors if c.org)) or tr("report.unknown", lang)
    names = [p.name for p in ([facts.debtor] if facts.debtor else []) + facts.contacts if p.name]

    def hide(s: str) -> str:
        return mask_text(s, names) if masked else s

    def pick(d: dict) -> str:
        return i18n.pick(d, lang)

    debtor = facts.debtor
    if debtor:
        who = [mask_name(debtor.name) if masked and debtor.name else (debtor.name or "____"),
               mask_number(debtor.party) if masked else debtor.party]
    else:
        who = ["____"]
    numbers = [c.number for c in facts.collectors]
    shown = [mask_number(n) if masked else n for n in numbers[:NUMBERS_LISTED]]
    respondent = [lender]
    if numbers:
        listed = ", ".join(shown) + (" …" if len(numbers) > NUMBERS_LISTED else "")
        respondent.append(tr("letter.collector_numbers", lang, n=len(numbers), numbers=listed))
    lines: list[tuple[str, list[str]]] = []
    cfpb: list[tuple[str, str]] = []
    # An advisory finding has no legal basis (cn-rules.md §4): a reader sees it in the dossier,
    # a letter does not claim it as a breach.
    groups = [g for g in groups if g.confidence != "advisory"]
    for g in groups:
        start, end = day_span(g.start, g.end)
        title = g.title.get(lang) or g.title.get("en") or g.rule
        line = tr("letter.fact_line", lang, when=start if start == end else tr("letter.span", lang, start=start, end=end),
                  title=title, n=len(g.findings), events=len(g.events))
        cited = [events[e] for e in g.events if e in events]
        quotes = []
        for ev in pick_examples([e for e in cited if e.text], QUOTES_PER_FINDING):
            text = mask_text(ev.text, names, pii.get(ev.id, [])) if masked else ev.text
            text = text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "…"
            quotes.append(f"{ev.when[:16]}  {hide(ev.from_party)}: “{text}”")
        lines.append((line, quotes))
        if channel.get("cfpb"):
            cat = cfpb_category(g, events)
            cfpb.append(cat if cat else ("", title))
    basis = list(dict.fromkeys([g.citation for g in groups if g.citation] + (channel.get("basis", {}).get(lang) or [])))
    return Letter(
        channel=channel["id"], lang=lang, to=pick(channel["name"]).format(lender=lender), contact=pick(channel["contact"]),
        kind=pick(channel["kind"]), subject=pick(channel["subject"]).format(lender=lender), complainant=who,
        respondent=respondent, facts=lines, basis=basis, requests=list(channel["requests"].get(lang) or channel["requests"]["en"]),
        evidence=pick(channel.get("evidence", {})) or tr("letter.evidence_text", lang),
        precondition=pick(channel.get("precondition", {})), note=pick(channel.get("note", {})), source=channel.get("source", ""),
        masked=masked, cfpb=cfpb, numbers=[mask_number(n) if masked else n for n in numbers] if channel.get("list_numbers") else [],
    )
