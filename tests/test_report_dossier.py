"""`dunwatch report` on the synthetic demo case, looked at as a person would: the PDF's pages
rendered to PNG, its text extracted, its fonts listed (poppler-utils), the HTML read."""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess

import numpy as np
import pytest
from conftest import run_cli
from report_support import SCREENSHOT_TEXT, demo_case

from dunwatch.case import Case
from dunwatch.case.verify import verify
from dunwatch.report.place import dossier_runs
from dunwatch.rules import latest_findings


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    case = demo_case(tmp_path_factory.mktemp("dossier") / "demo")
    proc = run_cli("report", str(case), "--lang", "zh-CN", lang="zh-CN")
    assert proc.returncode == 0, proc.stderr
    return case, dossier_runs(case)[0], proc.stdout


def pdftotext(pdf, first=None, last=None) -> str:
    args = ["pdftotext", "-layout"] + (["-f", str(first), "-l", str(last)] if first else []) + [str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_command_prints_where_the_pdf_is(reported):
    case, out, stdout = reported
    assert str((out / "dossier.pdf").resolve()) in stdout
    assert (out / "dossier.pdf").read_bytes().startswith(b"%PDF")


def test_chinese_text_is_extractable_and_the_cjk_font_embedded(reported):
    case, out, _ = reported
    text = pdftotext(out / "dossier.pdf")
    assert "催收行为证据材料" in text and "\ufffd" not in text
    with Case.open(case) as c:
        titles = {f["title"]["zh-CN"] for f in latest_findings(c)}
        debtor = c.con.execute("SELECT name FROM parties WHERE role = 'debtor'").fetchone()[0]
    assert titles, "the demo case should have findings"
    flat = re.sub(r"\s+", "", text)
    for title in titles:  # every kind of finding is named in the dossier (titles may wrap across lines)
        assert re.sub(r"\s+", "", title) in flat, title
    assert debtor in flat
    fonts = subprocess.run(["pdffonts", str(out / "dossier.pdf")], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert any("DunwatchCJK" in r[0] for r in rows), fonts
    # emb column: every font is embedded (a missing glyph would need a system font at view time).
    assert all(r[-5] == "yes" for r in rows), fonts


def test_first_page_is_the_summary_who_what_since_when(reported):
    case, out, _ = reported
    page1 = re.sub(r"\s+", "", pdftotext(out / "dossier.pdf", 1, 1))
    with Case.open(case) as c:
        org = c.con.execute("SELECT org FROM parties WHERE role = 'lender'").fetchone()[0]
        first_call = c.con.execute(
            "SELECT strftime(min(timezone('Asia/Shanghai', timezone('UTC', at_utc))), '%Y-%m-%d') FROM events").fetchone()[0]
    assert org in page1 and "严重" in page1 and first_call in page1
    with Case.open(case) as c:
        for f in latest_findings(c):  # every kind of finding is ranked on the one-page summary
            assert re.sub(r"\s+", "", f["title"]["zh-CN"]) in page1
    assert "+8617100000011" in page1  # a collector's number


def test_pages_are_rendered_and_not_blank(reported, tmp_path):
    from PIL import Image

    _, out, _ = reported
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(out / "dossier.pdf"), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    info = subprocess.run(["pdfinfo", str(out / "dossier.pdf")], capture_output=True, text=True, check=True).stdout
    assert len(pages) == int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 4
    for page in pages:
        gray = np.asarray(Image.open(page).convert("L"))
        assert (gray < 200).mean() > 0.005, f"{page.name} looks blank"
    # The charts page carries colour (bars, heat map), not only text.
    rgb = np.asarray(Image.open(pages[1]).convert("RGB")).astype(int)
    assert (np.abs(rgb[..., 0] - rgb[..., 2]) > 60).sum() > 1000


def test_triggering_words_are_highlighted_from_the_labels(reported):
    case, out, _ = reported
    html = (out / "dossier.html").read_text(encoding="utf-8")
    with Case.open(case) as c:
        cited = {e for f in latest_findings(c) for e in f["events"]}
        rows = c.con.execute("SELECT l.event_id, l.spans, e.text FROM labels l JOIN events e ON e.id = l.event_id").fetchall()
    marks = re.findall(r"<mark[^>]*>([^<]*)</mark>", html)
    checked = 0
    for event_id, spans, text in rows:
        if event_id in cited:
            for start, end in json.loads(spans):  # adjacent spans merge into one highlighted run
                assert any(text[start:end] in m for m in marks), (event_id, text[start:end])
                checked += 1
    assert checked >= 3


def test_screenshot_crop_is_embedded(reported):
    from PIL import Image

    _, out, _ = reported
    html = (out / "dossier.html").read_text(encoding="utf-8")
    assert SCREENSHOT_TEXT in re.sub(r"<[^>]+>", "", html)  # the OCR text, with its highlights
    uri = re.search(r'src="data:image/png;base64,([^"]+)" alt="[^"]*shot-0001"', html)
    assert uri, "no crop for the screenshot event"
    crop = Image.open(io.BytesIO(base64.b64decode(uri.group(1))))
    assert (crop.width, crop.height) == (480 + 24, 80 + 24)  # bbox 30,300,510,380 plus the padding


def test_report_is_recorded_in_the_ledger_and_the_case_still_verifies(reported):
    case, out, _ = reported
    with Case.open(case) as c:
        seq, action, inputs = c.con.execute("SELECT seq, action, inputs FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
        assert action == "report"
        recorded = json.loads(inputs)["_result"]
        assert verify(c).ok
    import hashlib
    for name in ("dossier.pdf", "dossier.html", "letters/police_110.txt"):
        assert recorded[name] == hashlib.sha256((out / name).read_bytes()).hexdigest()


def test_loan_section_and_figures_read_in_chinese(reported):
    case, out, _ = reported
    html = (out / "dossier.html").read_text(encoding="utf-8")
    section = html[html.index('id="loan"'):]
    section = section[:section.index("</section>")]
    rows = dict(re.findall(r"<tr><th[^>]*>([^<]*)</th><td>([^<]*)</td></tr>", section))
    with Case.open(case) as c:
        from dunwatch.loans import case_costs
        cost = case_costs(c)[0]
    assert rows["债务"] == cost["debt"] and rows["放贷方类型"] == "个人或无牌机构（民间借贷）"
    assert rows["实际年利率"] == f"{float(cost['effective_annual_rate']) * 100:,.2f}%"
    assert rows["利率上限"] == f"{float(cost['cap']) * 100:,.2f}%" and rows["超过上限"] == "✓"
    assert rows["上限依据"] == cost["cap_basis"]["zh-CN"] and rows["说明"] == cost["explanation"]["zh-CN"]
    visible = re.sub(r"<[^>]+>", " ", html)
    # No key names or Python values leak into the text a reader sees.
    for raw in ("effective_annual_rate", "lender_type", "{'zh-CN'", "periods_per_year", "依据可信度: H"):
        assert raw not in visible, raw


def test_english_dossier(reported, tmp_path):
    case, _, _ = reported
    proc = run_cli("report", str(case), "--lang", "en", "--out", str(tmp_path / "en"))
    assert proc.returncode == 0, proc.stderr
    text = pdftotext(tmp_path / "en" / "dossier.pdf")
    assert "Evidence of debt-collection conduct" in text and "Appendix: evidence list" in text


def test_not_a_case_is_one_line_error(tmp_path):
    proc = run_cli("report", str(tmp_path / "nothing"))
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "nothing").exists()


def test_no_chinese_font_is_one_clear_error_and_no_ledger_entry(reported, tmp_path, monkeypatch):
    from dunwatch.errors import UserError
    from dunwatch.report import build_report, render

    case, _, _ = reported
    monkeypatch.setattr(render, "CJK_FONTS", ())
    monkeypatch.delenv("DUNWATCH_CJK_FONT", raising=False)
    with Case.open(case) as c:
        before = c.con.execute("SELECT count(*) FROM ledger").fetchone()[0]
        with pytest.raises(UserError, match="fonts-noto-cjk"):
            build_report(c, tmp_path / "out")
        assert c.con.execute("SELECT count(*) FROM ledger").fetchone()[0] == before
    assert not (tmp_path / "out" / "dossier.pdf").exists()
