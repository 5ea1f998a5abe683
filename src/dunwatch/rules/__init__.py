"""Rules: jurisdiction packs as data (packs/*.toml), checked as relational queries on DuckDB or Spark.

    from dunwatch.rules import check_case, latest_findings, check_files, describe
"""

from dunwatch.rules.check import check_case, check_files, latest_findings
from dunwatch.rules.pack import available, load


def describe(rule_id: str) -> dict:
    """A rule's title and plain-language explanation (zh-CN and en), citation, confidence and severity,
    for the dossier and the web app."""
    pack = load(rule_id.split(".", 1)[0])
    r = pack.rule(rule_id)
    return {"rule": r.id, "pack": pack.id, "title": r.title_for(), "explain": r.explain_for(), "citation": r.citation,
            "confidence": r.confidence, "severity": r.severity, "params": dict(r.params)}


__all__ = ["check_case", "check_files", "latest_findings", "describe", "available", "load"]
