"""What only the borrower knows (a door visit, a call a relative received, the loan's terms), written
as small interchange files and imported as evidence: the borrower's statement is evidence too, kept
byte-for-byte in the case and recorded in the ledger like any phone export."""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dunwatch.case import Case
from dunwatch.errors import UserError
from dunwatch.i18n import t
from dunwatch.ingest.importer import ImportResult, import_files

from dunwatch.interchange.csvfile import write_events, write_parties, write_rows
from dunwatch.parties.numbers import normalize
from dunwatch.web import queries

STATEMENT_KINDS = ("call", "sms", "chat", "visit")


def local_time(case: Case, value: str, field: str) -> str:
    """A browser's datetime-local value (no offset) as ISO 8601 in the case's time zone."""
    try:
        naive = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UserError(t("web.err.when", value=value), field) from None
    if naive.tzinfo is None:
        naive = naive.replace(tzinfo=ZoneInfo(case.tz))
    return naive.isoformat(timespec="seconds")


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%dT%H%M%S%f")


def _role_of(case: Case, number: str) -> str:
    row = case.con.execute("SELECT role FROM parties WHERE party_e164 = ? ORDER BY entry DESC LIMIT 1",
                           [normalize(number, case.region)]).fetchone()
    return row[0] if row else ""


def _import(case: Case, events: list[tuple], parties: list[tuple], what: str) -> list[ImportResult]:
    stamp = _stamp()
    with tempfile.TemporaryDirectory(prefix="dunwatch-statement-") as tmp:
        paths = [write_events(Path(tmp) / f"statement-{what}-{stamp}.csv", events)]
        if parties:
            paths.append(write_parties(Path(tmp) / f"statement-{what}-{stamp}-parties.csv", parties))
        return import_files(case, paths)


def _collector_row(case: Case, number: str, org: str) -> list[tuple]:
    # The borrower says this number collects; only write it where nobody has said otherwise.
    if number and _role_of(case, number) in ("", "unknown"):
        return [(number, "collector", "", org, "")]
    return []


def add_visit(case: Case, *, when: str, who: str, org: str, people: str, place: str, what: str,
              debtor: str) -> list[ImportResult]:
    at = local_time(case, when, "when")
    who = who.strip() or org.strip() or t("web.st.unknown_visitor")
    parts = [p for p in (
        t("web.st.people", n=people.strip()) if people.strip() else "",
        t("web.st.place", place=place.strip()) if place.strip() else "",
        what.strip()) if p]
    text = "；".join(parts) + t("web.st.by_debtor")
    row = (f"stmt-{_stamp()}-visit", "visit", who, debtor or "debtor", at, "", "", text, "")
    return _import(case, [row], _collector_row(case, who, org.strip()), "visit")


def add_relative_contact(case: Case, *, when: str, kind: str, collector: str, relative_number: str,
                         relative_name: str, relation: str, reported_by: str, what: str,
                         minutes: str) -> list[ImportResult]:
    if kind not in STATEMENT_KINDS or kind == "visit":
        raise UserError(t("web.err.kind"), "kind")
    if not relative_number.strip():
        raise UserError(t("web.err.required"), "relative_number")
    at = local_time(case, when, "when")
    duration = ""
    if kind == "call" and minutes.strip():
        try:
            duration = str(int(round(float(minutes) * 60)))
        except ValueError:
            raise UserError(t("web.err.number", value=minutes), "minutes") from None
        if int(duration) < 0:
            raise UserError(t("web.err.number", value=minutes), "minutes")
    reporter = reported_by.strip() or relative_name.strip() or relation.strip()
    text = what.strip() + (t("web.st.reported_by", who=reporter) if reporter else "")
    row = (f"stmt-{_stamp()}-relative", kind, collector.strip() or t("web.st.unknown_visitor"),
           relative_number.strip(), at, duration, "answered" if kind == "call" else "", text, "")
    parties = [(relative_number.strip(), "contact", relative_name.strip(), "", relation.strip())]
    if relative_number.strip() and normalize(relative_number, case.region) == normalize(collector, case.region):
        raise UserError(t("web.err.same_number"), "collector")
    parties += _collector_row(case, collector.strip(), "")
    return _import(case, [row], parties, "relative")


def debtor_default(case: Case) -> str:
    return queries.debtor_number(case)


REPAYMENT_ROWS = 8


def add_loan(case: Case, fields: dict[str, str]) -> tuple[str, dict]:
    """The loan's terms and the money that actually changed hands, written as a FLOWS.csv (stored
    as evidence by dunwatch.loans) — the true annual cost is computed from these, not the contract."""
    from decimal import Decimal, InvalidOperation

    from dunwatch.loans import caps
    from dunwatch.loans.flows import COLUMNS
    from dunwatch.loans.store import add_loan as store_loan

    debt = fields.get("debt", "").strip()
    if not debt:
        raise UserError(t("web.err.required"), "debt")
    rows = []
    if fields.get("received_date", "").strip() or fields.get("received_amount", "").strip():
        rows.append((fields.get("received_date", ""), fields.get("received_amount", ""), t("web.loan.received_note")))
    for i in range(1, REPAYMENT_ROWS + 1):
        d, a = fields.get(f"paid_date_{i}", "").strip(), fields.get(f"paid_amount_{i}", "").strip()
        if d or a:
            rows.append((d, "-" + a.lstrip("+-") if a else "", t("web.loan.paid_note", n=i)))
    lender_type = fields.get("lender_type", "") or None
    contract_date = None
    if fields.get("contract_date", "").strip():
        try:
            contract_date = date.fromisoformat(fields["contract_date"].strip())
        except ValueError:
            raise UserError(t("web.err.when", value=fields["contract_date"]), "contract_date") from None
    cash = {"yes": True, "no": False}.get(fields.get("cash_loan", ""))
    principal = None
    if fields.get("contract_principal", "").strip():
        try:
            principal = Decimal(fields["contract_principal"].strip())
        except InvalidOperation:
            raise UserError(t("web.err.number", value=fields["contract_principal"]), "contract_principal") from None
    facts = caps.Facts(case.jurisdiction, lender_type, contract_date, cash)
    with tempfile.TemporaryDirectory(prefix="dunwatch-loan-") as tmp:
        path = Path(tmp) / f"statement-loan-{_slug(debt)}-{_stamp()}.csv"
        write_rows(path, (*COLUMNS, "note"), rows)
        r = store_loan(case, debt, facts, flows_file=path, lender=fields.get("lender", "").strip() or None,
                       contract_principal=principal)
    return t("loans.added" if r.changed else "loans.unchanged", debt=debt, n=r.flows), r.result


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)[:40]


def debt_ids(case: Case) -> list[str]:
    return [r[0] for r in case.con.execute("SELECT DISTINCT debt FROM events WHERE debt <> '' ORDER BY debt").fetchall()]
