"""Complaint letters: one per channel of the case's jurisdiction, in zh-CN and en, each asking for
what that channel can do; the public-platform version hides personal data; the us pack's CFPB
letter names the CFPB debt-collection issue and sub-issue."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from conftest import write_events, write_parties
from report_support import demo_case

from dunwatch.case import Case
from dunwatch.ingest.importer import import_files
from dunwatch.report import build_report
from dunwatch.rules import check_case


def channels(j: str) -> list[dict]:
    return json.loads((resources.files("dunwatch.report") / "data" / "channels.json").read_text(encoding="utf-8"))[j]


@pytest.fixture(scope="module")
def letters(tmp_path_factory):
    root = tmp_path_factory.mktemp("letters")
    case = demo_case(root / "demo", screenshot=False)
    out = {}
    with Case.open(case) as c:
        for lang in ("zh-CN", "en"):
            out[lang] = build_report(c, root / lang, lang=lang).out / "letters"
    return out


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_a_letter_for_every_channel_asking_what_it_can_do(letters, lang):
    chans = channels("cn")
    assert {c["id"] for c in chans} == {"nifa", "nfra_12378", "pboc_12363", "lender_desk", "police_110", "miit_12321", "heimao"}
    for c in chans:
        text = (letters[lang] / f"{c['id']}.txt").read_text(encoding="utf-8")
        assert (letters[lang] / f"{c['id']}.html").is_file()
        for request in c["requests"][lang]:
            assert request in text
        assert c["contact"][lang] in text


def test_letters_quote_findings_but_not_advisory_ones(letters):
    police = (letters["zh-CN"] / "police_110.txt").read_text(encoding="utf-8")
    assert "冒充公安、法院或政府机关" in police and "我是市公安局经侦大队的" in police
    assert "仅供参考" not in police  # an advisory rule has no legal basis: not claimed as a breach


def test_lender_desk_asks_for_the_recordings_under_pipl_45(letters):
    assert "第四十五条" in (letters["zh-CN"] / "lender_desk.txt").read_text(encoding="utf-8")
    assert "PIPL Art. 45" in (letters["en"] / "lender_desk.txt").read_text(encoding="utf-8")
    assert "原则上须先向该机构投诉" in (letters["zh-CN"] / "pboc_12363.txt").read_text(encoding="utf-8")


def test_public_platform_letter_hides_personal_data(letters):
    for lang in ("zh-CN", "en"):
        text = (letters[lang] / "heimao.txt").read_text(encoding="utf-8")
        for secret in ("13800000001", "13900000002", "张三", "李某"):
            assert secret not in text, secret
        assert "138****0001" in text and "张*" in text
    # The other letters are for authorities and carry the real identity.
    assert "+8613800000001" in (letters["zh-CN"] / "nifa.txt").read_text(encoding="utf-8")


def test_us_case_gets_a_cfpb_letter_with_issue_and_sub_issue(tmp_path):
    debtor, collector = "+12025550101", "+12025550199"
    events = write_events(tmp_path / "events.csv", [
        ("u1", "call", collector, debtor, "2026-03-02T22:30:00-05:00", "40", "answered", "", "acct-1"),
        ("u2", "call", collector, debtor, "2026-03-03T07:10:00-05:00", "0", "missed", "", "acct-1"),
    ])
    parties = write_parties(tmp_path / "parties.csv", [(debtor, "debtor", "Jane Doe", "", ""),
                                                        (collector, "collector", "", "Example Recovery LLC", "")])
    with Case.init(tmp_path / "case", jurisdiction="us", tz="America/New_York") as c:
        import_files(c, [events, parties])
        check_case(c)
        result = build_report(c, tmp_path / "out", lang="en")
    names = sorted(p.name for p in result.letters)
    assert names == ["cfpb.html", "cfpb.txt"]
    text = (tmp_path / "out" / "letters" / "cfpb.txt").read_text(encoding="utf-8")
    assert "Product: Debt collection" in text
    assert "Issue: Communication tactics / Sub-issue: Called before 8am or after 9pm" in text
