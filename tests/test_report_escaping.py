"""Collectors' texts (and names typed into parties.csv) are hostile input: the dossier, the letters
and the evidence list show them as text, never as markup, formulas or terminal controls."""

from __future__ import annotations

import csv
import io

from conftest import write_events, write_parties

from dunwatch.case import Case
from dunwatch.ingest.importer import import_files
from dunwatch.report import build_report
from dunwatch.rules import check_case

DEBTOR, COLLECTOR, MOTHER = "+8613800000001", "+8617100000011", "+8613900000002"
HOSTILE = '<script>alert("x")</script> & \'quoted\' \x1b[31mred\u202eevil'
FORMULA = '=HYPERLINK("http://attacker.example","click")'
NAME = '<img src=x onerror=alert(1)>'


def hostile_case(tmp_path):
    events = write_events(tmp_path / "events.csv", [
        # Late-night messages: the quiet-hours rule cites them whatever their words.
        ("h1", "sms", COLLECTOR, DEBTOR, "2026-03-02T23:10:00+08:00", "", "", HOSTILE, "loan-1"),
        ("h2", "sms", COLLECTOR, DEBTOR, "2026-03-02T23:20:00+08:00", "", "", FORMULA, "loan-1"),
        ("h3", "call", COLLECTOR, MOTHER, "2026-03-02T10:00:00+08:00", "60", "answered", "", "loan-1"),
    ])
    parties = write_parties(tmp_path / "parties.csv", [
        (DEBTOR, "debtor", "张三", "", ""), (MOTHER, "contact", NAME, "", "母亲"), (COLLECTOR, "collector", "", "示例催收<b>", ""),
    ])
    case = Case.init(tmp_path / "case", jurisdiction="cn", tz="Asia/Shanghai")
    import_files(case, [events, parties])
    check_case(case)
    return case


def test_hostile_texts_come_out_escaped(tmp_path):
    case = hostile_case(tmp_path)
    try:
        result = build_report(case, tmp_path / "out")
    finally:
        case.close()
    html = result.html.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html  # in the contacts and the chart
    assert "示例催收<b>" not in html and "示例催收&lt;b&gt;" in html
    assert "\x1b" not in html and "\u202e" not in html
    for letter in result.letters:
        text = letter.read_text(encoding="utf-8")
        assert "\x1b" not in text and "\u202e" not in text
        if letter.suffix == ".html":
            assert "<script>" not in text and "<img src=x" not in text
    police = (tmp_path / "out" / "letters" / "police_110.txt").read_text(encoding="utf-8")
    assert '<script>alert("x")</script>' in police  # plain text stays readable, not entity-encoded
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "evidence-list.csv").read_text(encoding="utf-8"))))
    by_id = {r["event"]: r for r in rows}
    assert by_id["h2"]["text"] == "'" + FORMULA  # a spreadsheet shows it as text, not a formula
    assert by_id["h1"]["from"] == "'" + COLLECTOR  # a leading + would also start a formula
    assert "\x1b" not in by_id["h1"]["text"]
