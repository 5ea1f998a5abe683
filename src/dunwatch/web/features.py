"""The later stages of the flow as the web app uses them: the only place the app touches the
rules engine, the loans module and the dossier builder."""

from __future__ import annotations

from pathlib import Path

from dunwatch import loans, report, rules
from dunwatch.report import place


# -- rules ------------------------------------------------------------------------------------------
def run_check(case) -> list[dict]:
    return rules.check_case(case)


def latest_findings(case) -> list[dict]:
    return rules.latest_findings(case)


def explain(rule: str, lang: str) -> str:
    """The rule's plain-language explanation, from its pack (empty for a rule no shipped pack has)."""
    try:
        text = (rules.describe(rule) or {}).get("explain", {})
    except Exception:  # noqa: BLE001 - a rule from a user's own pack file: show the finding without it
        return ""
    return str(text.get(lang, "")) if isinstance(text, dict) else str(text)


def has_run_check(case) -> bool:
    return bool(case.con.execute("SELECT 1 FROM ledger WHERE action = 'check' LIMIT 1").fetchone())


# -- loans ----------------------------------------------------------------------------------------------
def loan_costs(case) -> list[dict]:
    return list(loans.case_costs(case))


# -- dossier --------------------------------------------------------------------------------------------
def build_report(case, lang: str, bundle: bool = True):
    """A new run in the case's dossier folder: the same place `dunwatch report` writes to."""
    return report.build_report(case, lang=lang, bundle=bundle)


def dossier_root(case_path: Path) -> Path:
    return place.dossier_root(case_path)


def dossier_runs(case_path: Path) -> list[Path]:
    return place.dossier_runs(case_path)
