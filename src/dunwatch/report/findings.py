"""The case's current findings (docs/formats.md, "Findings JSON"), grouped by rule and ranked.

A rule usually fires many times (one finding per day over the limit); the reader wants one line
per kind of breach, most serious first, with how often and since when.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dunwatch.case import Case

SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
CONFIDENCE_RANK = {"H": 0, "M": 1, "L": 2, "advisory": 3}


def latest_findings(case: Case) -> list[dict]:
    """The findings of the latest `dunwatch check` run (none before the first check)."""
    from dunwatch.rules import latest_findings as from_engine

    return from_engine(case)


@dataclass
class RuleGroup:
    rule: str
    pack: str
    title: dict
    severity: str
    confidence: str
    citation: str
    findings: list[dict] = field(default_factory=list)

    @property
    def events(self) -> list[str]:
        """Every event cited by the rule's findings, once, in order of first citation."""
        return list(dict.fromkeys(e for f in self.findings for e in f.get("events", [])))

    @property
    def start(self) -> str:
        return min((f.get("window", {}).get("start", "") for f in self.findings), default="")

    @property
    def end(self) -> str:
        return max((f.get("window", {}).get("end", "") for f in self.findings), default="")


def group(findings: list[dict]) -> list[RuleGroup]:
    groups: dict[str, RuleGroup] = {}
    for f in findings:
        g = groups.get(f["rule"])
        if g is None:
            g = groups[f["rule"]] = RuleGroup(f["rule"], f.get("pack", ""), f.get("title", {}), f.get("severity", "low"),
                                              f.get("confidence", ""), f.get("citation", ""))
        g.findings.append(f)
        # The group takes its most serious member's severity.
        if SEVERITY_RANK.get(f.get("severity"), 3) < SEVERITY_RANK.get(g.severity, 3):
            g.severity = f["severity"]
    for g in groups.values():
        g.findings.sort(key=lambda f: (f.get("window", {}).get("start", ""), f.get("window", {}).get("end", "")))
    return sorted(groups.values(), key=lambda g: (SEVERITY_RANK.get(g.severity, 3), CONFIDENCE_RANK.get(g.confidence, 4),
                                                  -len(g.findings), g.rule))


def cited_event_ids(groups: list[RuleGroup]) -> list[str]:
    return list(dict.fromkeys(e for g in groups for e in g.events))


def day_span(start: str, end: str) -> tuple[str, str]:
    """Dates of a window; an end at local midnight belongs to the day before (windows are half-open)."""
    s, e = start[:10], end[:10]
    try:
        end_dt = datetime.fromisoformat(end)
        if end_dt.time() == datetime.min.time() and e > s:
            e = (date.fromisoformat(e) - timedelta(days=1)).isoformat()
    except ValueError:
        pass
    return s, e
