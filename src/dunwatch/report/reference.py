"""What the rule pack says, for the reader: each rule's plain-language explanation and the
reference lines drawn on the charts (quiet hours, daily call limit).

Read from the same pack, with the same parameter overrides, as the case's latest `dunwatch check`,
so the dossier never states a limit the check did not use.
"""

from __future__ import annotations

import json

from dunwatch.case import Case
from dunwatch.errors import UserError


def checked_pack(case: Case):
    """The pack (with overrides) of the latest check, else the case's jurisdiction pack; None if unavailable."""
    try:
        from dunwatch.rules import load
    except ImportError:
        return None
    row = case.con.execute("SELECT inputs FROM ledger WHERE action = 'check' ORDER BY seq DESC LIMIT 1").fetchone()
    inputs = json.loads(row[0]) if row else {}
    try:
        return load(inputs.get("pack") or case.jurisdiction, inputs.get("overrides") or None)
    except UserError:
        return None


def _hour(hhmm: str) -> int:
    return int(str(hhmm).split(":")[0])


def chart_lines(pack) -> dict:
    """{"quiet": (start_hour, end_hour), "quiet_source", "daily_limit", "daily_limit_source"} as the pack has them."""
    lines: dict = {}
    if pack is None:
        return lines
    for r in pack.rules:
        if r.confidence == "advisory":
            continue
        if "quiet" not in lines and r.kind == "time_window" and "start" in r.params and "end" in r.params:
            lines["quiet"] = (_hour(r.params["start"]), _hour(r.params["end"]))
            lines["quiet_source"] = r.citation
        # The line a reader expects on "calls per day": connected calls only.
        if ("daily_limit" not in lines and r.kind == "daily_count" and list(r.params.get("kinds", [])) == ["call"]
                and list(r.params.get("statuses", [])) == ["answered"]):
            lines["daily_limit"] = r.params["limit"]
            lines["daily_limit_source"] = r.citation
    return lines


def explanations(pack, lang: str) -> dict[str, str]:
    if pack is None:
        return {}
    return {r.id: r.explain_for().get(lang, "") for r in pack.rules}
