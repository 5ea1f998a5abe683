"""Attributing rotating numbers to a creditor, each with its reason; the user's word wins."""

from __future__ import annotations

from dunwatch.parties.attribution import attribute_rows, template

D, M, L, X, Y, Z, W = "+8613800000001", "+8613900000002", "1069000000015", "+86171001", "+86171002", "+86171003", "+86171004"
PARTIES = [(D, "debtor", "", "parties.csv"), (M, "contact", "", "parties.csv"), (L, "lender", "示例速贷（合成平台）", "parties.csv")]


def by_number(found):
    return {a.party: a for a in found}


def test_text_debt_template_and_conduct_attribution_with_reasons():
    events = [
        ("e1", L, D, "【示例速贷】您的借款已逾期1天", "loan-1"),
        ("e2", X, M, "您的儿子在示例速贷借款逾期未还", ""),        # names the lender
        ("e3", Y, D, "", "loan-1"),                                   # a call about the lender's debt
        ("e4", Y, D, "通知：您尾号1234的欠款3260元今日到期请处理", ""),
        ("e5", Z, D, "通知：您尾号9876的欠款5000元今日到期请处理", ""),  # same template as Y
        ("e6", W, D, "你等着", ""),                                   # labelled threat
    ]
    found = by_number(attribute_rows(PARTIES, events, {"e6": "threat_violence"}))
    assert (found[X].source, found[X].org) == ("text", "示例速贷（合成平台）")
    assert "e2" in found[X].reason["en"] and "示例速贷" in found[X].reason["zh-CN"]
    assert (found[Y].source, found[Y].org) == ("debt", "示例速贷（合成平台）")
    assert (found[Z].source, found[Z].org) == ("template", "示例速贷（合成平台）")
    assert (found[W].source, found[W].role, found[W].org) == ("conduct", "collector", "")
    assert found[M].role == "contact" and found[M].source == "address_book"
    assert found[L].source == "user"
    # The user's tag reads in each language: no English role name inside the Chinese reason.
    assert found[L].reason == {"zh-CN": "用户标记为放贷平台（示例速贷（合成平台））（parties.csv）",
                               "en": "tagged by the user as lender (示例速贷（合成平台）) (parties.csv)"}


def test_the_users_tag_overrules_every_inference():
    parties = PARTIES + [(X, "contact", "", "tagged by user")]
    events = [("e1", X, D, "示例速贷提醒您还款", "loan-1")]
    assert by_number(attribute_rows(parties, events, {}))[X].role == "contact"


def test_debtor_inferred_when_none_given():
    events = [("e1", X, D, "", "d"), ("e2", Y, D, "", "d"), ("e3", X, M, "", "d")]
    found = by_number(attribute_rows([], events, {}))
    assert (found[D].role, found[D].source) == ("debtor", "inferred")
    assert "2 of 3" in found[D].reason["en"]


def test_template_ignores_digits_and_short_texts():
    assert template("欠款 3260 元\n今日到期") == template("欠款 5000 元 今日到期")
    found = by_number(attribute_rows(PARTIES, [("e1", L, D, "好的", ""), ("e2", X, D, "好的", "")], {}))
    assert X not in found
