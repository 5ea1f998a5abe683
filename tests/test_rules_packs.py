"""Packs are data: they load, carry what every rule needs, hold the ids users key on, and bad
packs or parameters fail with one clear line."""

from __future__ import annotations

import pytest
from conftest import REPO, run_cli

from dunwatch.errors import UserError
from dunwatch.rules import describe
from dunwatch.rules.docs import render
from dunwatch.rules.pack import available, load, parse_sets

REQUIRED = ["cn.call_frequency", "cn.call_attempts", "cn.quiet_hours", "cn.contacts_harassed", "cn.disclosure",
            "cn.impersonation", "cn.threats", "cn.insults", "cn.borrow_to_repay", "cn.excess_rate",
            "us.regf.call_frequency", "us.fdcpa.inconvenient_time", "us.fdcpa.third_party",
            "us.fdcpa.false_representation"]


def test_all_packs_load_and_hold_the_required_ids():
    assert available() == ["cn", "in", "uk", "us"]
    ids = {r.id for p in available() for r in load(p).rules}
    assert set(REQUIRED) <= ids


@pytest.mark.parametrize("pack_id", ["cn", "us", "uk", "in"])
def test_every_rule_has_citation_confidence_severity_and_both_languages(pack_id):
    for r in load(pack_id).rules:
        assert r.citation.strip() and r.confidence in ("H", "M", "L", "advisory") and r.severity in ("high", "medium", "low")
        for text in (r.title_for(), r.explain_for()):
            assert text["zh-CN"].strip() and text["en"].strip() and "{" not in text["en"] + text["zh-CN"]
        if r.confidence == "advisory":
            assert r.severity == "low"


def test_each_pack_covers_time_frequency_and_third_parties():
    for pack_id in ("cn", "us", "uk", "in"):
        kinds = {r.kind for r in load(pack_id).rules}
        assert "time_window" in kinds
        assert kinds & {"daily_count", "regf_frequency"}
        assert kinds & {"third_party_contact", "third_party_count"} or any(
            r.kind == "labelled" and r.params["recipient"] == "third" for r in load(pack_id).rules)


def test_the_official_quiet_hours_and_the_advisory_21h_line_are_separate_rules():
    cn = load("cn")
    assert (cn.rule("cn.quiet_hours").params["start"], cn.rule("cn.quiet_hours").confidence) == ("22:00", "M")
    advisory = cn.rule("cn.quiet_hours_advisory")
    assert (advisory.params["start"], advisory.confidence) == ("21:00", "advisory")


def test_docs_rules_md_is_generated_from_the_packs():
    assert (REPO / "docs" / "rules.md").read_text(encoding="utf-8") == render(), \
        "run: python -m dunwatch.rules.docs > docs/rules.md"


def test_describe_gives_the_explanation_for_the_dossier():
    d = describe("cn.call_frequency")
    assert d["explain"]["en"].startswith("One lender") and d["params"]["limit"] == 3


@pytest.mark.parametrize("sets, words", [
    ({"cn.call_frequency": {"limit": -1}}, "limit"),
    ({"cn.call_frequency": {"limit": True}}, "limit"),
    ({"cn.quiet_hours": {"start": "24:00"}}, "start"),
    ({"cn.quiet_hours": {"kinds": ["fax"]}}, "fax"),
    ({"cn.call_frequency": {"colour": 1}}, "colour"),
    ({"cn.extra_fees": {"words": ["it's"]}}, "words"),
    ({"cn.nope": {"limit": 1}}, "cn.nope"),
])
def test_bad_parameters_are_one_clear_line(sets, words):
    with pytest.raises(UserError) as e:
        load("cn", sets)
    assert words in str(e.value) and "\n" not in str(e.value)


def test_unknown_pack_and_broken_pack_file(tmp_path):
    with pytest.raises(UserError, match="xx"):
        load("xx")
    bad = tmp_path / "mine.toml"
    bad.write_text('[pack]\nid = "zz"\n[[rule]]\nid = "zz.a"\nkind = "daily_count"\n', encoding="utf-8")
    with pytest.raises(UserError, match="confidence"):
        load(str(bad))
    bad.write_text("[pack\n", encoding="utf-8")
    with pytest.raises(UserError, match="mine.toml"):
        load(str(bad))


def test_parse_sets():
    assert parse_sets(["cn.call_frequency.limit=5", "cn.quiet_hours.start=21:30", 'cn.x.kinds=["call"]']) == {
        "cn.call_frequency": {"limit": 5}, "cn.quiet_hours": {"start": "21:30"}, "cn.x": {"kinds": ["call"]}}
    with pytest.raises(UserError):
        parse_sets(["limit5"])


def test_cli_rejects_an_unknown_pack_with_one_line(tmp_path):
    events = tmp_path / "events.csv"
    events.write_text("id,kind,from,to,at,duration_s,status,text,debt\n", encoding="utf-8")
    proc = run_cli("check", str(events), "--pack", "mars")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "mars" in proc.stderr
