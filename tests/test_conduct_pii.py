"""Personal-data detectors: checksums decide, offsets are the original's."""

import pytest

from dunwatch.conduct import pii
from dunwatch.conduct.classify import classify

# The worked example of GB 11643-1999 (check character X), and the same number with a wrong check.
GB_EXAMPLE = "11010519491231002X"


def test_resident_id_checksum():
    assert pii.id_checksum_ok(GB_EXAMPLE)
    assert pii.id_checksum_ok(GB_EXAMPLE.lower())
    assert not pii.id_checksum_ok("110105194912310021")
    assert not pii.id_checksum_ok("11010519491231002")


def test_luhn():
    assert pii.luhn_ok("79927398713")  # the classic Luhn example
    assert pii.luhn_ok("4111111111111111")
    assert not pii.luhn_ok("4111111111111112")


def _found(text):
    return [(f.type, text[f.start:f.end], f.exposes) for f in pii.find(pii.norm.same_length(text), text)]


def test_id_in_text_found_with_original_offsets_and_full_width_digits():
    text = "你的身份证号１１０１０５１９４９１２３１００２Ｘ我们有"
    found = _found(text)
    assert found == [("cn_resident_id", "１１０１０５１９４９１２３１００２Ｘ", True)]


def test_id_with_bad_checksum_or_impossible_date_is_not_an_id():
    assert all(t != "cn_resident_id" for t, *_ in _found("号码110105194912310021"))
    assert all(t != "cn_resident_id" for t, *_ in _found("号码110105194913310027"))


def test_card_as_payee_account_is_not_an_exposure():
    assert _found("卡号4111 1111 1111 1111已查到") == [("bank_card", "4111 1111 1111 1111", True)]
    assert _found("请转账至4111111111111111") == [("bank_card", "4111111111111111", False)]
    assert _found("卡号4111111111111112") == []


@pytest.mark.parametrize("text, kind", [
    ("打我电话13800138000", "phone"), ("+86 138 0013 8000", "phone"), ("call 212-555-0187", "phone"),
    ("SSN 123-45-6789", "us_ssn"), ("mail a.b@example.com", "email"),
])
def test_other_types(text, kind):
    assert [t for t, *_ in _found(text)] == [kind]


def test_never_issued_ssn_is_not_an_ssn():
    assert _found("SSN 666-45-6789") == []


def test_address_near_a_residence_word_or_name_counts_as_exposure():
    [(kind, span, exposes)] = _found("张三家住广东省深圳市南山区科技路88号3栋1201室")
    assert kind == "address" and span.startswith("广东省") and exposes
    assert _found("He lives at 1234 Oak Tree Lane") == [("address", "1234 Oak Tree Lane", True)]
    assert _found("广东省深圳市南山区科技路88号")[0][2] is False  # no name, no residence word


def test_classify_reports_pii_and_doxxing():
    out = classify(f"李四，身份证{GB_EXAMPLE}，欠款不还")
    assert out["pii"] == [{"type": "cn_resident_id", "span": [6, 24], "score": 0.95, "detector": "pii:cn_id_mod11_2"}]
    dox = [x for x in out["labels"] if x["label"] == "doxxing_pii"]
    assert dox and dox[0]["spans"] == [[6, 24]] and "pii" in dox[0]["detector"].split("+")
