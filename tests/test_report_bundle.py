"""`dunwatch report --bundle`: the same case gives the same zip entries (only the manifest's
creation time differs), and anyone can check it with `sha256sum -c SHA256SUMS`."""

from __future__ import annotations

import hashlib
import json
import subprocess
import zipfile

from conftest import run_cli
from report_support import demo_case

from dunwatch.case import Case
from dunwatch.case import evidence as store


def entries(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def test_bundle_is_reproducible_and_verifiable(tmp_path):
    case = demo_case(tmp_path / "demo")
    for out in ("a", "b"):
        proc = run_cli("report", str(case), "--bundle", "--out", str(tmp_path / out))
        assert proc.returncode == 0, proc.stderr
    a, b = entries(tmp_path / "a" / "dossier-bundle.zip"), entries(tmp_path / "b" / "dossier-bundle.zip")
    assert list(a) == sorted(a) and list(a) == list(b)
    for name in a:
        if name != "manifest.json":
            assert a[name] == b[name], name
    ma, mb = json.loads(a["manifest.json"]), json.loads(b["manifest.json"])
    ma.pop("created"), mb.pop("created")
    assert ma == mb
    with zipfile.ZipFile(tmp_path / "a" / "dossier-bundle.zip") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        z.extractall(tmp_path / "x")
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / "x", capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    # The cited originals are in, byte for byte, under their SHA-256.
    with Case.open(case) as c:
        cited = {sha for (sha,) in c.con.execute(
            "SELECT DISTINCT evidence FROM events WHERE id IN (SELECT unnest(?))",
            [[e for f in __import__("dunwatch.rules", fromlist=["x"]).latest_findings(c) for e in f["events"]]]).fetchall()}
    originals = {n.split("/")[1][:64]: n for n in a if n.startswith("originals/")}
    assert set(originals) == cited
    for sha, name in originals.items():
        assert hashlib.sha256(a[name]).hexdigest() == sha == store.sha256_file(store.stored_path(case, sha))
    listed = {f["path"]: f["sha256"] for f in ma["files"]}
    assert {"dossier.pdf", "dossier.html", "evidence-list.csv", "letters/nifa.txt"} <= set(listed)
    assert listed["dossier.pdf"] == hashlib.sha256(a["dossier.pdf"]).hexdigest()


def test_tampered_bundle_fails_the_check(tmp_path):
    case = demo_case(tmp_path / "demo", screenshot=False)
    assert run_cli("report", str(case), "--bundle", "--out", str(tmp_path / "out")).returncode == 0
    with zipfile.ZipFile(tmp_path / "out" / "dossier-bundle.zip") as z:
        z.extractall(tmp_path / "x")
    letter = tmp_path / "x" / "letters" / "nifa.txt"
    letter.write_text(letter.read_text(encoding="utf-8").replace("2026", "2025"), encoding="utf-8")
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / "x", capture_output=True, text=True)
    assert check.returncode != 0 and "letters/nifa.txt: FAILED" in check.stdout
