"""The main job on the bundled synthetic case: each stage of the flow, in order."""

from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Iterator

from dunwatch.case import Case
from dunwatch.case.verify import verify
from dunwatch.errors import bad_input
from dunwatch.i18n import lang, t
from dunwatch.ingest.importer import import_files
from dunwatch.loans import Facts, add_loan
from dunwatch.report import build_report
from dunwatch.rules import check_case


EVIDENCE = ("parties.csv", "sms-backup.xml", "calls-backup.xml", "contacts-evidence.csv", "Screenshot_20260306-221500.png")
FLOWS = "loan-demo-1.flows.csv"


def data_dir() -> Path:
    return Path(str(resources.files("dunwatch.demo") / "data"))


def data_files() -> list[Path]:
    return [data_dir() / name for name in EVIDENCE]


def _reset(out: Path) -> None:
    """Rebuild only a folder that is empty or holds an earlier demo case: never touch real cases."""
    if not out.exists():
        return
    marker = out / "case.json"
    if marker.exists() and json.loads(marker.read_text(encoding="utf-8")).get("synthetic"):
        shutil.rmtree(out)
    elif any(out.iterdir()):
        raise bad_input(out, "case.exists")


def run_demo(out_dir: str | Path) -> Iterator[str]:
    out = Path(out_dir)
    _reset(out)
    yield t("demo.synthetic")
    with Case.init(out, jurisdiction="cn", tz="Asia/Shanghai", synthetic=True) as case:
        yield t("case.created", path=out, j="cn", tz="Asia/Shanghai")
        for r in import_files(case, data_files()):
            yield r.message()
        loan = add_loan(case, "loan-demo-1", Facts("cn", "private", date(2026, 2, 15)), flows_file=data_dir() / FLOWS,
                        lender="示例速贷（合成平台）", contract_principal=Decimal(3000))
        yield t("loans.added", debt="loan-demo-1", n=loan.flows)
        findings = check_case(case)
        yield t("demo.findings", n=len(findings), rules=len({f["rule"] for f in findings}))
        report = build_report(case, lang=lang())
        yield from verify(case).lines()
    yield t("demo.done", path=out.resolve())
    yield t("report.written", what="dossier.pdf", path=report.pdf.resolve())
