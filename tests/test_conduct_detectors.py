"""Each label on a message that shows it, with spans on the collector's own words; negation;
lawful_reminder never combined; evasions caught."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dunwatch.conduct.classify import classify, classify_many
from dunwatch.conduct.labels import LABELS, LAWFUL


def labels(text):
    return {x["label"]: x for x in classify(text)["labels"]}


def words(text, found):
    return [text[s:e] for s, e in found["spans"]]


@pytest.mark.parametrize("text, label, word", [
    ("三天内不还，我让你见血。", "threat_violence", "见血"),
    ("再不还，你就等着坐牢吧。", "threat_legal_false", "坐牢"),
    ("我是市公安局经侦大队的，马上联系我们。", "impersonation_authority", "经侦大队"),
    ("你个傻逼，借钱的时候怎么不说没钱？", "insult_abuse", "傻逼"),
    ("您好，您的儿子张三借款逾期未还，请督促他尽快还款。", "third_party_disclosure", "您的儿子"),
    ("我们会开盒你，把资料发出去。", "doxxing_pii", "开盒"),
    ("我们会给你做一张通缉令。", "reputational_smear", "通缉令"),
    ("你可以借新还旧，先把这笔平了。", "inducement_to_borrow", "借新还旧"),
    ("再不还，我们就去你单位找你领导谈谈。", "harassment_pressure", "去你单位"),
    ("Pay today or somebody is going to break your legs.", "threat_violence", "break your legs"),
    ("A warrant will be issued for your arrest.", "threat_legal_false", "warrant"),
    ("This is the district attorney's office calling.", "impersonation_authority", "district attorney"),
    ("Pay up, you worthless deadbeat.", "insult_abuse", "deadbeat"),
    ("Your sister owes us $400, please tell her to pay.", "third_party_disclosure", "Your sister"),
    ("We will post it on Facebook that you are a thief.", "reputational_smear", "thief"),
    ("Just take out a payday loan and pay us today.", "inducement_to_borrow", "payday loan"),
    ("We will call your employer tomorrow.", "harassment_pressure", "call your employer"),
])
def test_each_label_with_spans_on_the_words(text, label, word):
    found = labels(text)
    assert label in found, found
    assert word in words(text, found[label])
    assert 0 < found[label]["score"] <= 1 and found[label]["detector"]


def test_negation_cancels_the_threat_and_leaves_a_lawful_reminder():
    assert set(labels("您的借款已逾期，我们不会上门，也不会联系您的家人，请尽快还款。")) == {LAWFUL}
    assert "harassment_pressure" in labels("您的借款已逾期，不还钱就上门。")
    assert set(labels("Your payment is overdue. You will not go to jail; please call us.")) == {LAWFUL}
    assert "threat_legal_false" in labels("If you do not pay you will go to jail.")


def test_negation_does_not_cross_a_condition():
    # "不" belongs to "还钱"; "就" starts the consequence.
    assert "harassment_pressure" in labels("你再不还钱我们就派人上门")


def test_evasions_are_caught_and_spans_point_at_what_was_written():
    for text, label, written in [
        ("你再不还就等着做牢吧", "threat_legal_false", "做牢"),
        ("我是jing察，你的案子到了", "impersonation_authority", "jing察"),
        ("立刻還 錢，否則讓你坐-牢", "threat_legal_false", "坐-牢"),
        ("你个傻 逼", "insult_abuse", "傻 逼"),
    ]:
        found = labels(text)
        assert label in found, (text, found)
        assert written in words(text, found[label])


def test_a_longer_term_wins_over_the_term_inside_it():
    found = labels("你涉嫌诈骗，已经立案")
    assert "threat_legal_false" in found and "reputational_smear" not in found


def test_impersonation_needs_a_claim():
    assert "impersonation_authority" not in labels("如有争议，您可以向人民法院提起诉讼。")
    assert "impersonation_authority" in labels("我是人民法院的，你的案子到了。")


def test_vague_intimidation_counts_only_alone():
    assert set(labels("你等着。")) == {"harassment_pressure"}
    assert set(labels("你等着，我弄死你。")) == {"threat_violence"}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([
    "您的账单已逾期", "请尽快还款", "再不还钱就上门", "你个傻逼", "我是公安局的", "我们不会上门", "Pay now",
    "you will go to jail", "谢谢", "借新还旧", "🔪", "還 錢", " "]), max_size=6))
def test_output_shape_and_lawful_never_combined(parts):
    text = "，".join(parts)
    out = classify(text)
    assert set(out) == {"id", "labels", "pii"}
    names = [x["label"] for x in out["labels"]]
    assert names == [label for label in LABELS if label in names]  # fixed order, no repeats
    assert LAWFUL not in names or names == [LAWFUL]
    for x in out["labels"]:
        assert x["spans"] and all(0 <= s < e <= len(text) for s, e in x["spans"])


def test_classify_many_keeps_order_and_ids():
    out = list(classify_many([("b", "你个傻逼"), ("a", "您的账单已逾期，请尽快还款"), ("c", "")]))
    assert [o["id"] for o in out] == ["b", "a", "c"]
    assert out[2]["labels"] == [] and out[2]["pii"] == []
