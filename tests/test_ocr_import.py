"""`dunwatch import` of chat screenshots: events, times, parties, regions, no duplicates across a
scroll, and one clear line for an image that is not a chat."""

from __future__ import annotations

import duckdb
from PIL import Image

from dunwatch.case.evidence import stored_path
from dunwatch.ingest.screenshot import norm_text
from dunwatch.ocr.synthetic import Msg, render, scroll_shots

from conftest import run_cli, snapshot
from ocr_support import EXPECTED_AT, ITEMS, LONG_CHAT, SHOT_DATE, TITLES


def _events(case_dir):
    con = duckdb.connect(str(case_dir / "catalog.duckdb"), read_only=True)
    try:
        return con.execute("""SELECT id, from_party, to_party, "at", text, locator, json_extract_string(raw, '$.at_precision'),
                                     evidence FROM events WHERE kind = 'chat' ORDER BY ord""").fetchall()
    finally:
        con.close()


def test_import_one_screenshot(case_dir, tmp_path):
    image, truth = render("wechat", TITLES["wechat"], ITEMS)
    path = tmp_path / "shot.png"
    image.save(path)
    original = path.read_bytes()
    proc = run_cli("import", str(case_dir), str(path), "--shot-date", SHOT_DATE, check=True)
    assert "7 new events" in proc.stdout
    rows = _events(case_dir)
    msgs = [i for i, _ in truth.items if isinstance(i, Msg)]
    assert [r[3] for r in rows] == [at.strftime("%Y-%m-%dT%H:%M:%S+08:00") for at in EXPECTED_AT]
    for (_, frm, to, _, text, locator, precision, evidence), msg in zip(rows, msgs):
        # The owner (debtor) is "this phone" (empty); the other party is the title bar's name.
        assert (frm, to) == (("张经理", "") if msg.side == "left" else ("", "张经理"))
        assert text.replace(" ", "") == msg.text.replace(" ", "")
        assert locator.split(" ")[1].startswith("bbox=")
        assert precision in ("minute", "day")
        assert stored_path(case_dir, evidence).read_bytes() == original  # the evidence, byte for byte
    x0, y0, x1, y1 = map(int, rows[2][5].split("bbox=")[1].split(","))
    crop = image.crop((x0, y0, x1, y1))
    assert crop.width > 500 and crop.height > 300  # the five-line bubble, ready for a dossier to show
    labels = duckdb.connect(str(case_dir / "catalog.duckdb"), read_only=True).execute(
        "SELECT count(*) FROM labels WHERE event_id = ?", [rows[4][0]]).fetchone()[0]
    assert labels > 0  # the conduct classifier read the OCR'd threat like any SMS


def test_overlapping_scroll_gives_each_message_once(case_dir, tmp_path):
    shots = scroll_shots("wechat", "催收-刘", LONG_CHAT, overlap=0.4)
    assert len(shots) >= 3
    seen = {i.text for _, truth in shots for i, _ in truth.items if isinstance(i, Msg)}
    want = [i.text for i in LONG_CHAT if isinstance(i, Msg)]
    assert seen == set(want)  # precondition: every message is whole on some screenshot
    paths = []
    for n, (image, _) in enumerate(shots):
        paths.append(tmp_path / f"Screenshot_{n}.jpg")
        image.save(paths[-1], quality=90)
    run_cli("import", str(case_dir), *map(str, reversed(paths)), "--shot-date", SHOT_DATE, check=True)
    # Each message once (OCR may still miss a full stop, so texts compare without punctuation).
    assert sorted(norm_text(r[4]) for r in _events(case_dir)) == sorted(map(norm_text, want))
    run_cli("import", str(case_dir), str(paths[0]), check=True)  # the same file again: nothing new
    assert len(_events(case_dir)) == len(want)


def test_exif_date_is_the_screenshot_date(case_dir, tmp_path):
    image, _ = render("qq", TITLES["qq"], ITEMS)
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = "2026:03:07 10:00:00"
    path = tmp_path / "IMG_0001.jpg"
    image.save(path, quality=92, exif=exif)
    run_cli("import", str(case_dir), str(path), check=True)
    assert [r[3] for r in _events(case_dir)] == [at.strftime("%Y-%m-%dT%H:%M:%S+08:00") for at in EXPECTED_AT]


def test_not_a_chat_is_one_clear_line(case_dir, tmp_path):
    blank = tmp_path / "photo.png"
    Image.new("RGB", (1080, 2340), (250, 250, 250)).save(blank)
    broken = tmp_path / "cut.png"
    broken.write_bytes(blank.read_bytes()[:200])
    before = snapshot(case_dir)
    for path in (blank, broken):
        proc = run_cli("import", str(case_dir), str(path))
        assert proc.returncode == 2
        errors = [ln for ln in proc.stderr.splitlines() if "error" in ln]  # (after the "… reading" line)
        assert len(errors) == 1 and path.name in errors[0] and "Traceback" not in proc.stderr, proc.stderr
        assert snapshot(case_dir) == before
