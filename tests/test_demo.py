"""The main job: `dunwatch demo` on the bundled synthetic case."""

import json

from conftest import run_cli

from dunwatch.case import Case
from dunwatch.demo import generate
from dunwatch.demo.run import data_files
from dunwatch.report.place import dossier_runs


def test_demo_runs_the_flow_on_synthetic_data(tmp_path):
    proc = run_cli("demo", "--out", str(tmp_path / "demo"))
    assert proc.returncode == 0, proc.stderr
    assert "synthetic" in proc.stdout and "OK:" in proc.stdout
    assert json.loads((tmp_path / "demo" / "case.json").read_text())["synthetic"] is True
    # The phone exports were read by their own readers, the loan added, the case checked and reported.
    for reader in ("sms-backup-restore", "sms-backup-restore-calls", "parties.csv", "events.csv", "chat-screenshot"):
        assert f"read by {reader}," in proc.stdout
    (run,) = dossier_runs(tmp_path / "demo")  # the same place `dunwatch report` and the web app use
    pdf = run / "dossier.pdf"
    assert f"dossier.pdf: {pdf.resolve()}" in proc.stdout and pdf.read_bytes().startswith(b"%PDF")
    with Case.open(tmp_path / "demo") as c:
        assert c.con.execute("SELECT count(*) FROM events").fetchone()[0] > 40
        actions = [a for (a,) in c.con.execute("SELECT action FROM ledger ORDER BY seq").fetchall()]
        # Calls from the phone's call log count as calls to the debtor (the phone's owner).
        to_debtor = c.con.execute("SELECT count(*) FROM events WHERE kind = 'call' AND to_e164 = '+8613800000001'").fetchone()[0]
        chats = [t for (t,) in c.con.execute("SELECT text FROM events WHERE kind = 'chat' ORDER BY ord").fetchall()]
    assert actions[-3:] == ["loan.add", "check", "report"]
    assert chats == [text for side, text in generate.CHAT if side != "sep"]
    assert to_debtor > 30
    rules = {f["rule"] for f in json.loads(run_cli("check", str(tmp_path / "demo"), "--json").stdout)}
    assert {"cn.call_frequency", "cn.quiet_hours", "cn.threats", "cn.impersonation", "cn.disclosure",
            "cn.excess_rate"} <= rules
    # Running it again rebuilds the demo case rather than failing.
    assert run_cli("demo", "--out", str(tmp_path / "demo")).returncode == 0


def test_demo_refuses_to_overwrite_a_real_case(tmp_path):
    run_cli("case", "init", str(tmp_path / "real"), check=True)
    proc = run_cli("demo", "--out", str(tmp_path / "real"))
    assert proc.returncode == 2
    assert json.loads((tmp_path / "real" / "case.json").read_text())["synthetic"] is False


def test_bundled_demo_files_are_what_the_generator_makes():
    shipped = {p.name: p.read_bytes() for p in data_files() if p.suffix != ".png"}
    assert shipped == generate.files()
    # The screenshot's pixels depend on the font build, so it is checked by what OCR reads from it
    # (test_demo_runs_the_flow_on_synthetic_data) rather than byte for byte.
    assert (data_files()[0].parent / generate.SCREENSHOT).read_bytes().startswith(b"\x89PNG")
    assert "合成" in (data_files()[0].parent / "SYNTHETIC.md").read_text()
