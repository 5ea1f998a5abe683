"""The main job: `dunwatch demo` on the bundled synthetic case."""

import json

from conftest import run_cli

from dunwatch.case import Case
from dunwatch.demo import generate
from dunwatch.demo.run import data_files


def test_demo_runs_the_flow_on_synthetic_data(tmp_path):
    proc = run_cli("demo", "--out", str(tmp_path / "demo"))
    assert proc.returncode == 0, proc.stderr
    assert "synthetic" in proc.stdout and "OK:" in proc.stdout
    assert json.loads((tmp_path / "demo" / "case.json").read_text())["synthetic"] is True
    with Case.open(tmp_path / "demo") as c:
        assert c.con.execute("SELECT count(*) FROM events").fetchone()[0] > 40
    # Running it again rebuilds the demo case rather than failing.
    assert run_cli("demo", "--out", str(tmp_path / "demo")).returncode == 0


def test_demo_refuses_to_overwrite_a_real_case(tmp_path):
    run_cli("case", "init", str(tmp_path / "real"), check=True)
    proc = run_cli("demo", "--out", str(tmp_path / "real"))
    assert proc.returncode == 2
    assert json.loads((tmp_path / "real" / "case.json").read_text())["synthetic"] is False


def test_bundled_demo_files_are_what_the_generator_makes(tmp_path):
    events, parties = generate.build()
    from dunwatch.interchange import EVENTS_COLUMNS, PARTIES_COLUMNS
    from dunwatch.interchange.csvfile import write_rows

    write_rows(tmp_path / "e.csv", EVENTS_COLUMNS, events)
    write_rows(tmp_path / "p.csv", PARTIES_COLUMNS, parties)
    shipped = {p.name: p.read_bytes() for p in data_files()}
    assert shipped["events.csv"] == (tmp_path / "e.csv").read_bytes()
    assert shipped["parties.csv"] == (tmp_path / "p.csv").read_bytes()
    assert "合成" in (data_files()[0].parent / "SYNTHETIC.md").read_text()
