"""Every user-facing message exists in zh-CN and en, with the same placeholders."""

import re
import string

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
