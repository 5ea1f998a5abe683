"""Cash flows of a loan as the borrower lived it, and the FLOWS.csv file that holds them.

FLOWS.csv: UTF-8 CSV with a header; columns `date` (YYYY-MM-DD) and `amount` (a plain decimal
number: positive = money the borrower received, negative = money the borrower paid), and an
optional `note`. Amounts stay exact decimals from the file to the result.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from dunwatch.errors import UserError, bad_input
from dunwatch.i18n import t
from dunwatch.interchange.csvfile import BOM

COLUMNS = ("date", "amount")
OPTIONAL = ("note",)
_AMOUNT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Flow:
    date: date
    amount: Decimal
    note: str = ""
    locator: str = ""  # where it came from: "line 3" of the flows file, "installment 2" of a scheme

    def as_json(self) -> dict:
        return {"date": self.date.isoformat(), "amount": str(self.amount), "note": self.note}


def parse_amount(text: str, where: str = "") -> Decimal:
    value = text.strip()
    if not _AMOUNT.fullmatch(value):
        raise UserError(t("loans.bad_amount", value=text, where=where))
    return Decimal(value)


def parse_date(text: str, where: str = "") -> date:
    value = text.strip()
    try:
        if not _DATE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(t("loans.bad_date", value=text, where=where)) from None


def read_bytes(path: str | Path) -> bytes:
    """A flows file's bytes, or a one-line error naming it."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise bad_input(path, "file.missing") from None
    except IsADirectoryError:
        raise bad_input(path, "file.unknown_format") from None


def read_flows(path: str | Path) -> list[Flow]:
    return parse_flows(read_bytes(path), path)


def parse_flows(data: bytes, path: str | Path) -> list[Flow]:
    """Flows from the bytes of a FLOWS.csv (parsed from the same bytes that are stored as evidence)."""
    if data.startswith(BOM):
        data = data[len(BOM):]
    try:
        text = codecs.decode(data, "utf-8")
    except UnicodeDecodeError as e:
        raise bad_input(path, "file.not_utf8", line=data.count(b"\n", 0, e.start) + 1) from None
    if not text.strip():
        raise bad_input(path, "file.empty")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [c.strip() for c in next(reader)]
        missing = [c for c in COLUMNS if c not in header]
        extra = [c for c in header if c not in COLUMNS + OPTIONAL]
        if missing or extra or len(set(header)) != len(header):
            raise bad_input(path, "csv.columns", missing=", ".join(missing) or "-", extra=", ".join(extra) or "-")
        flows = []
        line = reader.line_num + 1
        for row in reader:
            where = t("loc.line", line=line)
            if not any(c.strip() for c in row):  # blank line
                line = reader.line_num + 1
                continue
            if len(row) != len(header):
                raise UserError(t("csv.structure", where=where, problem=t("csv.field_count", want=len(header), got=len(row))), path)
            rec = dict(zip(header, row))
            try:
                flows.append(Flow(parse_date(rec["date"], where), parse_amount(rec["amount"], where),
                                  rec.get("note", "").strip(), f"line {line}"))
            except UserError as e:
                raise UserError(e.problem, path) from None
            line = reader.line_num + 1
    except csv.Error as e:
        raise UserError(t("csv.structure", where=t("loc.line", line=reader.line_num), problem=str(e)), path) from None
    if not flows:
        raise bad_input(path, "loans.no_flows")
    return flows


def net_by_date(flows: list[Flow]) -> list[tuple[date, Decimal]]:
    """Flows summed per day, in date order, days that net to zero dropped."""
    total: dict[date, Decimal] = {}
    for f in flows:
        total[f.date] = total.get(f.date, Decimal(0)) + f.amount
    return [(d, a) for d, a in sorted(total.items()) if a != 0]


def received_paid(flows: list[Flow]) -> tuple[Decimal, Decimal]:
    received = sum((f.amount for f in flows if f.amount > 0), Decimal(0))
    paid = -sum((f.amount for f in flows if f.amount < 0), Decimal(0))
    return received, paid
