"""Check a case (or plain interchange files) against a rule pack; the Python API behind `dunwatch check`.

    check_case(case, pack=None) -> list[dict]     findings, stored in the case with a "check" ledger entry
    latest_findings(case) -> list[dict]           the findings of the case's latest check
    check_files(events, parties=None, pack="cn", tz=None) -> list[dict]   no case needed
"""

from __future__ import annotations

import importlib
import json
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pyarrow as pa

from dunwatch.case import Case
from dunwatch.case.folder import JURISDICTIONS
from dunwatch.errors import UserError
from dunwatch.i18n import register, t
from dunwatch.parties import attribution
from dunwatch.rules import engine as eng
from dunwatch.rules.findings import Context, format_rows
from dunwatch.rules.pack import Pack, load

register({
    "check.no_tz": ("规则包 {pack} 没有默认时区，请用 --tz 指定债务人所在时区（如 America/New_York）",
                    "pack {pack} has no default time zone: give the debtor's with --tz (e.g. America/New_York)"),
    "check.bad_tz": ("未知时区 {tz}", "unknown time zone {tz}"),
})

EVENTS_SQL = """SELECT id, kind, from_e164 AS src, to_e164 AS dst, CAST(floor(epoch(at_utc)) AS BIGINT) AS at_s,
                       duration, status, debt, text FROM events"""
# The labels of each event's latest classification (a re-run replaces, not adds).
LABELS_SQL = """SELECT event_id, label, score, detector FROM labels
                QUALIFY entry = max(entry) OVER (PARTITION BY event_id)"""
_INPUTS = ("dw_events", "dw_parties", "dw_labels", "dw_costs")


def _costs(case: Case) -> list[dict]:
    """Per-debt loan costs from dunwatch.loans, when that module is installed."""
    try:
        loans = importlib.import_module("dunwatch.loans")
    except ImportError:
        return []
    fn = getattr(loans, "case_costs", None)
    return [dict(r) for r in fn(case)] if fn else []


def _debt_of(cost: dict) -> str:
    return str(cost.get("debt") or cost.get("id") or "")


def _register(con, name: str, table: pa.Table) -> None:
    con.register(f"{name}_arrow", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")


def run_case(case: Case, pack: Pack, attributions: list[attribution.Attribution],
             labels: list[tuple[str, str, float, str]] | None = None) -> list[dict]:
    """Evaluate on DuckDB inside the case's connection; nothing is written. `labels` replaces the
    case's labels table (plain-file checks label the texts themselves)."""
    con = case.con
    costs = _costs(case)
    if labels is None:
        labels = [tuple(r) for r in con.execute(LABELS_SQL).fetchall()]
    con.execute(f"CREATE OR REPLACE TEMP VIEW dw_events AS {EVENTS_SQL}")
    _register(con, "dw_parties", pa.table({"party": [a.party for a in attributions], "role": [a.role for a in attributions],
                                           "org": [a.org for a in attributions]},
                                          schema=pa.schema([("party", pa.string()), ("role", pa.string()), ("org", pa.string())])))
    _register(con, "dw_labels", pa.table({"event_id": [l[0] for l in labels], "label": [l[1] for l in labels],
                                          "score": [float(l[2]) for l in labels]},
                                         schema=pa.schema([("event_id", pa.string()), ("label", pa.string()), ("score", pa.float64())])))
    _register(con, "dw_costs", pa.table({"debt": [_debt_of(c) for c in costs], "exceeded": [bool(c.get("exceeded")) for c in costs]},
                                        schema=pa.schema([("debt", pa.string()), ("exceeded", pa.bool_())])))
    try:
        rows = eng.evaluate(eng.DuckDBEngine(con), pack, case.tz)
        ctx = context(case, attributions, labels, costs, rows)
    finally:
        con.execute("DROP VIEW IF EXISTS dw_events")
        for name in _INPUTS[1:]:
            con.execute(f"DROP TABLE IF EXISTS {name}")
    return format_rows(pack, ctx, rows)


def context(case: Case, attributions, labels, costs, rows: list[eng.Row]) -> Context:
    ctx = Context(tz=case.tz)
    # Times and senders of the events the findings cite (an id may also hide in `ref`, after a "|"),
    # not of every event: an auditor's file may hold millions that no finding cites.
    cited = {i for r in rows for i in r.ids} | {r.ref.rsplit("|", 1)[-1] for r in rows if r.ref}
    case.con.register("dw_cited", pa.table({"id": sorted(cited)}, schema=pa.schema([("id", pa.string())])))
    try:
        found = case.con.execute("SELECT e.id, e.src, e.at_s FROM dw_events e JOIN dw_cited c ON c.id = e.id").fetchall()
    finally:
        case.con.unregister("dw_cited")
    for eid, src, at_s in found:
        ctx.times[eid] = int(at_s)
        ctx.src_of[eid] = src
    for eid, label, score, detector in labels:
        ctx.labels.setdefault(eid, []).append({"label": label, "score": float(score), "detector": detector})
    for a in attributions:
        ctx.attributions[a.party] = a.as_fact()
        if a.source == "inferred" and a.role == "debtor":
            ctx.inferred_debtor = a.party
    for number, role, name, relation in case.con.execute(
            "SELECT party_e164, role, name, relation FROM parties").fetchall():
        ctx.parties[number] = {"role": role, "name": name, "relation": relation}
    ctx.costs = {_debt_of(c): c for c in costs}
    return ctx


def check_case(case: Case, pack: str | None = None, overrides: dict[str, dict] | None = None) -> list[dict]:
    """Attribute numbers, run the pack, store attributions and findings under one "check" ledger entry."""
    p = load(pack or case.jurisdiction, overrides)
    with case.transaction():
        seq = case.next_seq()
        found = attribution.attribute(case)
        attribution.write(case, seq, found)
        findings = run_case(case, p, found)
        if findings:
            case.con.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?)",
                                 [[f["rule"], f["pack"], json.dumps(f, ensure_ascii=False), i, seq]
                                  for i, f in enumerate(findings, 1)])
        case.record(seq, "check", {"pack": p.id, "tz": case.tz, "overrides": overrides or {},
                                   "rules": len(p.rules), "findings": len(findings)})
    return findings


def latest_findings(case: Case) -> list[dict]:
    """The findings stored by the case's latest `check` ([] if it was never checked)."""
    row = case.con.execute("SELECT max(seq) FROM ledger WHERE action = 'check'").fetchone()
    if not row or row[0] is None:
        return []
    return [json.loads(f) for (f,) in case.con.execute(
        "SELECT finding FROM findings WHERE entry = ? ORDER BY ord", [row[0]]).fetchall()]


def _classify(case: Case) -> list[tuple[str, str, float, str]] | None:
    """Conduct labels for the texts of a plain-file check (None if the classifier is not installed)."""
    try:
        from dunwatch.conduct.classify import classify_many
    except ImportError:
        return None
    items = case.con.execute("SELECT id, text FROM events WHERE text <> '' ORDER BY entry, ord").fetchall()
    out: list[tuple[str, str, float, str]] = []
    if not items:
        return out
    for result in classify_many([(i, txt) for i, txt in items]):
        for lab in result.get("labels", []):
            out.append((result["id"], lab["label"], float(lab["score"]), lab.get("detector", "")))
    return out


def check_files(events: str | Path, parties: str | Path | None = None, pack: str = "cn", tz: str | None = None,
                overrides: dict[str, dict] | None = None) -> list[dict]:
    """Check plain files without a case: they are read exactly as `dunwatch import` reads them, into a
    throw-away case, so the same validation and the same one-line errors apply."""
    from dunwatch.ingest.importer import import_files

    p = load(pack, overrides)
    tz = tz or p.default_tz
    if not tz:
        raise UserError(t("check.no_tz", pack=p.id))
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(t("check.bad_tz", tz=tz)) from None
    jurisdiction = p.id if p.id in JURISDICTIONS else "cn"
    with tempfile.TemporaryDirectory(prefix="dunwatch-check-") as tmp:
        with Case.init(Path(tmp) / "case", jurisdiction=jurisdiction, tz=tz) as case:
            import_files(case, [Path(events)] + ([Path(parties)] if parties else []))
            labels = _classify(case)
            return run_case(case, p, attribution.attribute(case), labels=labels or [])
