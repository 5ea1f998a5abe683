"""Debts in a case: `add_loan` writes one version of a debt (facts + cash flows) under the ledger;
`case_costs` gives each current debt's cost and cap check (the input of the `cn.excess_rate` rule
and of the dossier; its keys are documented in docs/loans.md and kept stable)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from dunwatch.case import Case
from dunwatch.case import evidence as store
from dunwatch.errors import UserError
from dunwatch import i18n
from dunwatch.i18n import t
from dunwatch.loans import caps
from dunwatch.loans.apr import apr, flows_of_scheme
from dunwatch.loans.flows import Flow, parse_flows, read_bytes
from dunwatch.loans.schemes import Scheme

READER = "loan-flows"  # the evidence row's reader name for a stored flows file


@dataclass
class AddResult:
    debt: str
    changed: bool
    flows: int
    result: dict  # the apr() result of the new version


def _text(value) -> str:
    return "" if value is None else str(value)


def _cash(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def add_loan(case: Case, debt: str, facts: caps.Facts, flows_file: str | Path | None = None,
             scheme: Scheme | None = None, lender: str | None = None,
             contract_principal: Decimal | None = None) -> AddResult:
    """Store a debt's facts and cash flows (from a FLOWS.csv, kept as evidence, or a quoted scheme).

    The flows must give one rate (else UserError, and the case is left as it was). Adding the
    same debt again writes a new version; adding it unchanged writes nothing."""
    if not debt.strip():
        raise UserError(t("loans.bad_debt_id"))
    if (flows_file is None) == (scheme is None):
        raise UserError(t("loans.flows_or_scheme"))
    if facts.jurisdiction != case.jurisdiction:
        facts = caps.Facts(case.jurisdiction, facts.lender_type, facts.contract_date, facts.cash_loan, facts.lpr)
    data = sha = None
    notes: list[dict] = []
    if flows_file is not None:
        path = Path(flows_file)
        data = read_bytes(path)
        flows = parse_flows(data, path)
        sha = hashlib.sha256(data).hexdigest()
    else:
        flows, notes = flows_of_scheme(scheme, facts)
        if contract_principal is None:
            contract_principal = scheme.principal
    try:
        result = apr(flows, facts=facts, contract_principal=contract_principal, notes=notes)  # fails before any write
    except UserError as e:
        if e.path is None and flows_file is not None:
            raise UserError(e.problem, flows_file) from None
        raise
    row = [debt, _text(facts.lender_type), _text(facts.contract_date), lender or "",
           {True: "yes", False: "no", None: ""}[facts.cash_loan], _text(facts.lpr), _text(contract_principal),
           json.dumps(scheme.as_json(), ensure_ascii=False, sort_keys=True) if scheme else ""]
    flow_rows = [(f.date, str(f.amount), f.note, sha, f.locator) for f in flows]
    if _current(case, debt) == (row, flow_rows):
        return AddResult(debt, False, len(flows), result)
    created: list[Path] = []
    try:
        with case.transaction():
            seq = case.next_seq()
            if data is not None:
                store.store_bytes(case.path, data, created)
                if not case.con.execute("SELECT 1 FROM evidence WHERE sha256 = ?", [sha]).fetchone():
                    case.con.execute("INSERT INTO evidence VALUES (?, ?, ?, ?, NULL, NULL, ?)",
                                     [sha, len(data), Path(flows_file).name, READER, seq])
            case.con.execute("INSERT INTO debts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [*row, sha, seq])
            case.con.executemany("INSERT INTO debt_flows VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                 [[debt, k, d, a, n, e, loc, seq] for k, (d, a, n, e, loc) in enumerate(flow_rows, 1)])
            case.record(seq, "loan.add", {"debt": debt, "lender_type": row[1], "contract_date": row[2], "lender": row[3],
                                          "cash_loan": row[4], "lpr": row[5], "contract_principal": row[6],
                                          "flows": len(flow_rows), "evidence": sha, "scheme": row[7]})
    except BaseException:
        store.discard(created)
        raise
    return AddResult(debt, True, len(flows), result)


def _current(case: Case, debt: str):
    got = case.con.execute(
        """SELECT lender_type, contract_date, lender, cash_loan, lpr, contract_principal, scheme, entry
           FROM debts WHERE debt = ? ORDER BY entry DESC LIMIT 1""", [debt]).fetchone()
    if not got:
        return None
    flows = case.con.execute("""SELECT "date", amount, note, evidence, locator FROM debt_flows
                                WHERE debt = ? AND entry = ? ORDER BY ord""", [debt, got[-1]]).fetchall()
    return [debt, *got[:-1]], [tuple(f) for f in flows]


def debts(case: Case) -> list[dict]:
    """The current version of each debt: its facts, flows and where they came from."""
    rows = case.con.execute(
        """SELECT debt, lender_type, contract_date, lender, cash_loan, lpr, contract_principal, scheme, evidence, entry
           FROM (SELECT *, row_number() OVER (PARTITION BY debt ORDER BY entry DESC) AS rn FROM debts) WHERE rn = 1
           ORDER BY debt""").fetchall()
    out = []
    for debt, lender_type, contract_date, lender, cash, lpr, principal, scheme, evidence, entry in rows:
        flows = [Flow(d, Decimal(a), n, loc) for d, a, n, loc in case.con.execute(
            """SELECT "date", amount, note, locator FROM debt_flows WHERE debt = ? AND entry = ? ORDER BY ord""",
            [debt, entry]).fetchall()]
        facts = caps.Facts(case.jurisdiction, lender_type or None,
                           date.fromisoformat(contract_date) if contract_date else None, _cash(cash),
                           Decimal(lpr) if lpr else None)
        out.append({"debt": debt, "entry": entry, "lender": lender, "facts": facts, "flows": flows,
                    "contract_principal": Decimal(principal) if principal else None,
                    "scheme": json.loads(scheme) if scheme else None, "evidence": evidence})
    return out


def case_costs(case: Case) -> list[dict]:
    """Per current debt of the case, its cost and cap check, as plain JSON-ready dicts.

    Each dict is the apr() result (rates, cap, cap_id, cap_basis, exceeded, citation, confidence,
    missing, explanation…) plus debt, entry, lender, lender_type, contract_date, evidence and
    events (ids of the case's events about this debt). A debt whose rate cannot be computed has
    error = {"zh-CN", "en"} and None for the rates instead of raising."""
    out = []
    for d in debts(case):
        events = [r[0] for r in case.con.execute(
            "SELECT id FROM events WHERE debt = ? ORDER BY at_utc, entry, ord", [d["debt"]]).fetchall()]
        head = {"debt": d["debt"], "entry": d["entry"], "lender": d["lender"], "lender_type": d["facts"].lender_type,
                "contract_date": d["facts"].contract_date.isoformat() if d["facts"].contract_date else None,
                "evidence": d["evidence"], "events": events, "error": None}
        try:
            result = apr(d["flows"], facts=d["facts"], contract_principal=d["contract_principal"])
        except UserError:
            result = {k: None for k in ("periodic_rate", "periods_per_year", "nominal_annual_rate", "effective_annual_rate",
                                        "xirr", "cap", "cap_id", "cap_basis", "exceeded", "citation", "confidence")}
            result.update(missing=[], caps=[], error=_error_in_both(d))
        out.append({**head, **result})
    return out


def _error_in_both(d: dict) -> dict[str, str]:
    """The reason a stored debt has no rate, in both languages (messages are made in the current one)."""
    saved = i18n._current
    out = {}
    try:
        for lang in i18n.LANGS:
            i18n.set_lang(lang)
            try:
                apr(d["flows"], facts=d["facts"], contract_principal=d["contract_principal"])
            except UserError as e:
                out[lang] = e.problem
    finally:
        i18n.set_lang(saved)
    return out
