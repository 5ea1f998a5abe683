"""Where dossiers go (dunwatch.report.place): one place for `dunwatch report`, the web app and the
demo, a new folder per run named by UTC time, and dossiers treated as derived output, not evidence."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime, timedelta, timezone

from conftest import run_cli
from web_support import client, csrf, demo_case

from dunwatch.case import Case
from dunwatch.case.verify import verify
from dunwatch.report.place import dossier_root, dossier_runs, new_dossier_dir


def _report_dirs(case) -> list[str]:
    with Case.open(case) as c:
        return [json.loads(i)["dir"] for (i,) in c.con.execute(
            "SELECT inputs FROM ledger WHERE action = 'report' ORDER BY seq").fetchall()]


def test_cli_and_web_write_dossiers_to_the_same_place(tmp_path):
    case = demo_case(tmp_path / "cases")
    proc = run_cli("report", str(case))
    assert proc.returncode == 0, proc.stderr
    c = client(tmp_path / "cases")
    page = c.post("/cases/demo/dossier", data={"csrf_token": csrf(c)}).text

    runs = dossier_runs(case)
    assert len(runs) == 2 and {r.parent for r in runs} == {case / "dossier"} == {dossier_root(case)}
    web_run, cli_run = runs  # the latest first
    for run in runs:
        assert re.fullmatch(r"\d{8}T\d{6}Z(-\d+)?", run.name), run.name
        assert (run / "dossier.pdf").read_bytes().startswith(b"%PDF") and (run / "letters").is_dir()
    # The CLI prints the exact folder and files; the web app names its run and lists both, latest first.
    assert f"This dossier's folder: {cli_run.resolve()}" in proc.stdout
    assert f"dossier.pdf: {(cli_run / 'dossier.pdf').resolve()}" in proc.stdout
    assert web_run.name in page
    listed = re.findall(r'href="/cases/demo/files/([^"?/]+)/dossier\.pdf"', page)
    assert listed == [web_run.name, cli_run.name]
    # Each ledger entry names the run its hashes belong to.
    assert _report_dirs(case) == [f"dossier/{cli_run.name}", f"dossier/{web_run.name}"]


def test_reporting_again_keeps_the_earlier_dossier_and_out_still_works(tmp_path):
    case = demo_case(tmp_path / "cases")
    assert run_cli("report", str(case)).returncode == 0
    (first,) = dossier_runs(case)
    before = (first / "dossier.pdf").read_bytes()
    assert run_cli("report", str(case)).returncode == 0
    assert len(dossier_runs(case)) == 2 and dossier_runs(case)[1] == first
    assert (first / "dossier.pdf").read_bytes() == before
    proc = run_cli("report", str(case), "--out", str(tmp_path / "elsewhere"))
    assert proc.returncode == 0 and (tmp_path / "elsewhere" / "dossier.pdf").is_file()
    assert f"This dossier's folder: {(tmp_path / 'elsewhere').resolve()}" in proc.stdout
    assert len(dossier_runs(case)) == 2 and _report_dirs(case)[-1] is None  # a folder outside the case is not named
    proc = run_cli("report", str(case), "--out", str(case / "evidence" / "x"))
    assert proc.returncode == 2 and "evidence" in proc.stderr


def test_dossiers_are_derived_output_not_evidence(tmp_path):
    case = demo_case(tmp_path / "cases")
    assert run_cli("report", str(case)).returncode == 0
    with Case.open(case) as c:
        evidence = c.con.execute("SELECT count(*) FROM evidence").fetchone()[0]
        assert verify(c).ok
    shutil.rmtree(dossier_root(case))
    with Case.open(case) as c:
        report = verify(c)
        assert report.ok and report.evidence_files == evidence


def test_run_folders_are_named_by_utc_time_and_never_reused(tmp_path):
    when = datetime(2026, 3, 10, 22, 22, 33, tzinfo=timezone(timedelta(hours=8)))
    made = [new_dossier_dir(tmp_path, when) for _ in range(11)]
    assert [p.name for p in made[:3]] == ["20260310T142233Z", "20260310T142233Z-2", "20260310T142233Z-3"]
    later = new_dossier_dir(tmp_path, when + timedelta(seconds=1))
    assert dossier_runs(tmp_path) == [later, *reversed(made)]  # -10 after -9, not after -1
