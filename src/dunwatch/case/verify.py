"""Recompute every evidence hash, the whole ledger chain and the rows each entry wrote."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from dunwatch.case import catalog, ledger
from dunwatch.case import evidence as store
from dunwatch.case.folder import SETTINGS_KEYS, Case
from dunwatch.i18n import t


@dataclass(frozen=True)
class Problem:
    kind: str  # file_altered, file_missing, entry_altered, entry_removed, chain_broken, data_altered, settings_altered
    what: str

    def message(self) -> str:
        return t(f"verify.{self.kind}", what=self.what)


@dataclass
class Report:
    evidence_files: int = 0
    entries: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        if self.ok:
            return [t("verify.ok", n=self.evidence_files, m=self.entries)]
        return [p.message() for p in self.problems] + [t("verify.problems", n=len(self.problems))]


def verify(case: Case) -> Report:
    report = Report()
    _check_evidence(case, report)
    entries = ledger.entries(case.con)
    report.entries = len(entries)
    _check_chain(entries, report)
    _check_data(case, entries, report)
    _check_settings(case, entries, report)
    return report


def _inputs(e: ledger.Entry) -> dict:
    """An entry's inputs; an entry edited into invalid JSON is already reported as altered."""
    try:
        value = json.loads(e.inputs)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _check_evidence(case: Case, report: Report) -> None:
    rows = case.con.execute("SELECT DISTINCT sha256, name FROM evidence ORDER BY sha256").fetchall()
    report.evidence_files = len(rows)
    for sha, name in rows:
        path = store.stored_path(case.path, sha)
        label = f"{path.relative_to(case.path)} ({name})"
        if not path.is_file():
            report.problems.append(Problem("file_missing", label))
        elif store.sha256_file(path) != sha:
            report.problems.append(Problem("file_altered", label))


def _check_chain(entries: list[ledger.Entry], report: Report) -> None:
    expected_seq, prev = 1, ledger.GENESIS
    for e in entries:
        while e.seq > expected_seq:  # a gap: entries were cut out
            report.problems.append(Problem("entry_removed", str(expected_seq)))
            expected_seq += 1
        if e.hash != e.expected_hash():
            report.problems.append(Problem("entry_altered", str(e.seq)))
        elif e.prev != prev:
            report.problems.append(Problem("chain_broken", str(e.seq)))
        prev = e.hash
        expected_seq = e.seq + 1


def _check_data(case: Case, entries: list[ledger.Entry], report: Report) -> None:
    """Each entry's result must equal the hash of the rows that carry its number today."""
    by_table = {table: catalog.entry_hashes(case.con, table, rows_in_ord_order=case.rows_in_ord_order)
                for table in catalog.DATA_TABLES}
    seqs = {e.seq for e in entries}
    orphans = sorted({s for hashes in by_table.values() for s in hashes} - seqs)
    for s in orphans:  # rows whose entry is gone: the tail of the ledger was cut off
        report.problems.append(Problem("entry_removed", str(s)))
    for e in entries:
        # Parts of a result outside the tables (settings, exported files) are kept in the entry's
        # inputs under "_result" (see Case.record), so the whole result can be recomputed.
        parts = dict(_inputs(e).get("_result", {}))
        parts.update({table: hashes[e.seq] for table, hashes in by_table.items() if e.seq in hashes})
        if ledger.result_hash(parts) != e.result:
            report.problems.append(Problem("data_altered", str(e.seq)))


def _check_settings(case: Case, entries: list[ledger.Entry], report: Report) -> None:
    settings_entries = [e for e in entries if e.action in ("case.init", "case.settings")]
    if not settings_entries:
        return
    recorded = _inputs(settings_entries[-1])
    if {k: recorded.get(k) for k in SETTINGS_KEYS} != {k: case.settings.get(k) for k in SETTINGS_KEYS}:
        report.problems.append(Problem("settings_altered", "case.json"))
