"""Every user-facing message exists in zh-CN and en, with the same placeholders."""

import re
import string

import pytest

from dunwatch import i18n


def _load_all_modules():
    # Messages registered by modules (i18n.register) must be checked too.
    import importlib
    import pkgutil

    import dunwatch

    for mod in pkgutil.walk_packages(dunwatch.__path__, "dunwatch."):
        if ".web" in mod.name or mod.name.endswith("__main__"):
            continue
        try:
            importlib.import_module(mod.name)
        except ImportError:
            pass  # optional extras (Spark, OCR) not installed here


def _fields(s):
    return {f for _, f, _, _ in string.Formatter().parse(s) if f}


def test_both_languages_for_every_message():
    _load_all_modules()
    assert len(i18n.MESSAGES) > 30
    for key, (zh, en) in i18n.MESSAGES.items():
        assert zh and en, key
        assert _fields(zh) == _fields(en), key
        words = re.sub(r"\{[^}]*\}", "", zh)
        if re.search(r"[A-Za-z]{4,}", words.replace("dunwatch", "")):  # prose, not just punctuation
            assert re.search(r"[\u4e00-\u9fff]", zh), f"{key}: zh-CN text has no Chinese"


def test_language_follows_option_then_env_then_locale(monkeypatch):
    monkeypatch.delenv("DUNWATCH_LANG", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    i18n.set_lang(None)
    assert i18n.lang() == "en"
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.lang() == "zh-CN"
    monkeypatch.setenv("DUNWATCH_LANG", "en")
    assert i18n.lang() == "en"
    i18n.set_lang("zh-CN")
    assert i18n.t("verify.ok", n=1, m=2) == "OK：1 个证据文件，2 条账本记录"
    i18n.set_lang(None)


def test_messages_for_one_reader_whatever_the_current_language():
    i18n.register({"test.pair": ("第 {n} 条", "item {n}")})
    assert i18n.say("test.pair", "zh-CN", n=2) == "第 2 条" and i18n.say("test.pair", "en", n=2) == "item 2"
    # A value from a case with no registered name is shown as it is; a missing key without one is an error.
    assert i18n.text("fact.no_such_key", "zh-CN", "no_such_key") == "no_such_key"
    assert i18n.text("test.pair", "en", "x") == "item {n}"
    with pytest.raises(KeyError):
        i18n.text("test.no_such_key", "en")
    assert i18n.pick({"zh-CN": "中", "en": "en"}, "zh-CN") == "中"
    assert i18n.pick({"en": "only en"}, "zh-CN") == "only en" and i18n.pick(None, "en") == "" and i18n.pick(3, "en") == "3"
