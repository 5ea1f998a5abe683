"""The later stages of the flow (rules, conduct labels, loans, dossier) are separate modules; the
app uses each one when it is installed and importable, and says "not available yet" otherwise.

Each adapter here is the only place the app touches that module's API.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
from pathlib import Path
from typing import Any


def _module(name: str):
    try:
        return importlib.import_module(name)
    except Exception:  # noqa: BLE001 - absent, or half-written by a parallel change: treat as not available
        return None


def _attr(module_names: tuple[str, ...], attr: str):
    for name in module_names:
        mod = _module(name)
        if mod is not None and callable(getattr(mod, attr, None)):
            return getattr(mod, attr)
    return None


def as_dict(obj: Any) -> dict:
    """A finding as the findings JSON object (docs/formats.md), whatever shape the engine returns."""
    if isinstance(obj, dict):
        return obj
    for method in ("to_json_obj", "to_dict", "as_dict", "model_dump"):
        fn = getattr(obj, method, None)
        if callable(fn):
            return fn()
    if dataclasses.is_dataclass(obj):
        return dataclasses.asdict(obj)
    fn = getattr(obj, "to_json", None)
    if callable(fn):
        value = fn()
        return json.loads(value) if isinstance(value, str) else value
    raise TypeError(f"cannot read finding {type(obj).__name__}")


# -- rules ------------------------------------------------------------------------------------------
def rules_available() -> bool:
    return _attr(("dunwatch.rules",), "check_case") is not None and _attr(("dunwatch.rules",), "latest_findings") is not None


def run_check(case) -> list[dict]:
    check = _attr(("dunwatch.rules",), "check_case")
    result = check(case)
    if result is None:
        return latest_findings(case)
    return [as_dict(f) for f in result]


def latest_findings(case) -> list[dict]:
    fn = _attr(("dunwatch.rules",), "latest_findings")
    if fn is None:
        return []
    return [as_dict(f) for f in (fn(case) or [])]


def explain(rule: str, lang: str) -> str:
    """The rule's plain-language explanation, from its pack (empty when the engine cannot say)."""
    fn = _attr(("dunwatch.rules",), "describe")
    if fn is None:
        return ""
    try:
        text = (fn(rule) or {}).get("explain", {})
    except Exception:  # noqa: BLE001 - an unknown or custom rule: show the finding without it
        return ""
    return str(text.get(lang, "")) if isinstance(text, dict) else str(text)


def has_run_check(case) -> bool:
    return bool(case.con.execute("SELECT 1 FROM ledger WHERE action LIKE 'check%' LIMIT 1").fetchone())


# -- conduct labels -------------------------------------------------------------------------------------
def conduct_available() -> bool:
    """The importer labels new text events itself when dunwatch.conduct is installed."""
    return _attr(("dunwatch.conduct.store",), "label_events") is not None


# -- loans ----------------------------------------------------------------------------------------------
def loans_available() -> bool:
    return _attr(("dunwatch.loans.store",), "add_loan") is not None


def loan_costs(case) -> list[dict]:
    fn = _attr(("dunwatch.loans.store",), "case_costs")
    return list(fn(case)) if fn else []


# -- dossier --------------------------------------------------------------------------------------------
def report_available() -> bool:
    return _attr(("dunwatch.report",), "build_report") is not None


def build_report(case, out_dir: Path, lang: str, bundle: bool = True):
    fn = _attr(("dunwatch.report",), "build_report")
    if fn is None:
        raise RuntimeError("dunwatch.report is not installed")
    return fn(case, out_dir, lang=lang, bundle=bundle)


def status() -> dict[str, bool]:
    return {"rules": rules_available(), "conduct": conduct_available(), "loans": loans_available(),
            "report": report_available()}
