"""Helpers for the rule tests: build a real case from interchange rows, add conduct labels."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_events, write_parties

from dunwatch.case import Case
from dunwatch.ingest.importer import import_files

DEBTOR = "+8613800000001"
MOTHER = "+8613900000002"
A1, A2 = "+8617100000011", "+8617100000012"  # agency A's rotating numbers
B1 = "+8617000000013"  # another lender's number
PARTIES = [(DEBTOR, "debtor", "张三（合成）", "", ""), (MOTHER, "contact", "李某（合成）", "", "母亲"),
           (A1, "collector", "", "甲催收", ""), (A2, "collector", "", "甲催收", ""), (B1, "collector", "", "乙贷", "")]


def call(i, frm, at, status="answered", to=DEBTOR, dur=None, debt="", text=""):
    dur = dur if dur is not None else (60 if status == "answered" else 0)
    return (f"ev-{i:03d}", "call", frm, to, at, str(dur), status, text, debt)


def sms(i, frm, at, text, to=DEBTOR, debt=""):
    return (f"ev-{i:03d}", "sms", frm, to, at, "", "", text, debt)


def make_case(tmp: Path, rows, parties=PARTIES, tz="Asia/Shanghai", jurisdiction="cn") -> Case:
    files = [write_events(tmp / "events.csv", rows)]
    if parties:
        files.append(write_parties(tmp / "parties.csv", parties))
    case = Case.init(tmp / "case", jurisdiction=jurisdiction, tz=tz)
    import_files(case, files)
    return case


def add_labels(case: Case, labels) -> None:
    """Insert conduct labels as the classifier would (one ledger entry).

    Written by hand because these tests pin the rules' behaviour on given labels, independent of
    how dunwatch.conduct scores a text; the classifier has its own tests."""
    with case.transaction():
        seq = case.next_seq()
        case.con.executemany("INSERT INTO labels VALUES (?, ?, ?, ?, ?, ?)",
                             [[eid, label, score, json.dumps([[0, 1]]), "test", seq] for eid, label, score in labels])
        case.record(seq, "classify", {"test": True})


def by_rule(findings, rule):
    return [f for f in findings if f["rule"] == rule]
