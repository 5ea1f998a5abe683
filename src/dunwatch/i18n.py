"""User-facing messages in zh-CN and en.

Borrowers read Chinese first, so zh-CN is the default unless the user asks for English
(`--lang en`, DUNWATCH_LANG=en, or an English locale in LANG/LC_ALL).
Every message key must exist in both languages; tests/test_i18n.py enforces it.
"""

from __future__ import annotations

import os

LANGS = ("zh-CN", "en")

_current: str | None = None


def set_lang(lang: str | None) -> None:
    global _current
    if lang is not None and lang not in LANGS:
        raise ValueError(lang)
    _current = lang


def lang() -> str:
    if _current:
        return _current
    explicit = os.environ.get("DUNWATCH_LANG")
    if explicit in LANGS:
        return explicit
    locale = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    if locale.startswith("en"):
        return "en"
    return "zh-CN"


# key -> (zh-CN, en). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    "error.prefix": ("错误", "error"),
    "file.missing": ("文件不存在", "file not found"),
    "file.not_utf8": ("第 {line} 行不是 UTF-8 编码", "line {line} is not valid UTF-8"),
    "file.unknown_format": ("无法识别的文件格式", "unrecognised file format"),
    "file.empty": ("文件为空", "file is empty"),
    "csv.columns": ("列名不对：缺少 {missing}；多余 {extra}", "wrong columns: missing {missing}; unexpected {extra}"),
    "loc.line": ("第 {line} 行", "line {line}"),
    "loc.row": ("第 {row} 条记录", "record {row}"),
    "csv.structure": ("{where}：{problem}", "{where}: {problem}"),
    "csv.field_count": ("应有 {want} 列，实际 {got} 列", "expected {want} fields, found {got}"),
    "csv.bad_value": ("{column} 列的值 {value!r} 无效（{expected}）", "bad {column} {value!r} ({expected})"),
    "csv.duplicate": ("{column} {value!r} 在文件中重复出现", "{column} {value!r} appears twice in the file"),
    "csv.conflict": ("编号 {value!r} 已存在于案件中，且内容不同", "id {value!r} is already in the case with different content"),
    "expect.iso8601": ("需要带时区偏移的 ISO 8601 时间，如 2024-05-01T21:30:00+08:00", "expected ISO 8601 with UTC offset, e.g. 2024-05-01T21:30:00+08:00"),
    "expect.kind": ("应为 {allowed} 之一", "expected one of {allowed}"),
    "expect.number": ("应为非负数字", "expected a non-negative number"),
    "expect.nonempty": ("不能为空", "must not be empty"),
    "case.exists": ("该目录已是一个案件或非空", "folder already holds a case or is not empty"),
    "case.not_found": ("不是 dunwatch 案件目录（缺少 case.json）", "not a dunwatch case folder (no case.json)"),
    "case.bad_tz": ("未知时区 {tz}", "unknown time zone {tz}"),
    "case.bad_jurisdiction": ("未知辖区 {j}，可选：{allowed}", "unknown jurisdiction {j}; choose from {allowed}"),
    "case.created": ("已创建案件：{path}（辖区 {j}，时区 {tz}）", "Created case {path} (jurisdiction {j}, time zone {tz})"),
    "case.info": ("辖区 {j}，时区 {tz}", "jurisdiction {j}, time zone {tz}"),
    "case.info_synthetic": ("合成数据（演示用，非真实个人信息）", "synthetic data (a demo, no real person)"),
    "case.info_counts": ("证据文件 {files} 个，事件 {events} 条，当事方 {parties} 个，账本记录 {ledger} 条",
                         "{files} evidence file(s), {events} event(s), {parties} part(ies), {ledger} ledger entr(ies)"),
    "case.locked": ("案件正被另一个 dunwatch 进程使用", "the case is in use by another dunwatch process"),
    "import.took": ("{name}：由「{reader}」读取，新增 {events} 条事件、{parties} 个当事方", "{name}: read by {reader}, {events} new events, {parties} parties"),
    "import.owner_unknown": ("提示：不知道这部手机的号码，请用 --owner 指明，或先导入标明债务人（debtor）的 parties.csv",
                             "note: this phone's own number is unknown; pass --owner NUMBER or first import a parties.csv naming the debtor"),
    "import.retry_memory": ("内存不够这次导入用，已撤回，正在用更多内存重新导入……",
                            "not enough memory for this import: undone, importing again with more memory…"),
    "import.no_memory": ("内存不足，无法导入；案件未作改动。请关闭其他程序，或把文件分几次导入",
                         "not enough memory for this import; the case is unchanged. Close other programs or import the files a few at a time"),
    "import.same": ("{name}：相同内容已导入过，未作改动", "{name}: the same bytes are already in the case; nothing changed"),
    "export.done": ("已导出 {n} 行到 {path}", "Exported {n} rows to {path}"),
    "verify.ok": ("OK：{n} 个证据文件，{m} 条账本记录", "OK: {n} evidence files, {m} ledger entries"),
    "verify.file_altered": ("文件被改动：{what}", "file altered: {what}"),
    "verify.file_missing": ("文件缺失：{what}", "file missing: {what}"),
    "verify.entry_altered": ("账本记录被改动：第 {what} 条", "entry altered: #{what}"),
    "verify.entry_removed": ("账本记录被删除：第 {what} 条", "entry removed: #{what}"),
    "verify.chain_broken": ("哈希链断裂：第 {what} 条", "chain broken at entry #{what}"),
    "verify.data_altered": ("案件数据与账本不符：第 {what} 条记录所写入的数据被改动", "data altered: rows written by entry #{what} no longer match it"),
    "verify.settings_altered": ("案件设置（case.json）与账本不符", "case settings (case.json) no longer match the ledger"),
    "verify.problems": ("发现 {n} 个问题", "{n} problem(s) found"),
    "party.tagged": ("{party} 已标记为{role}", "{party} tagged as {role}"),
    # Party roles (catalog.PARTY_ROLES) as people read them; the web app words them for the borrower.
    "role.debtor": ("债务人", "debtor"),
    "role.collector": ("催收方", "collector"),
    "role.lender": ("放贷平台", "lender"),
    "role.contact": ("联系人", "contact"),
    "role.authority": ("政府/机关", "authority"),
    "role.unknown": ("身份不明", "unknown"),
    "party.role": ("应为 {allowed} 之一", "expected one of {allowed}"),
    "demo.synthetic": ("演示案件（合成数据，非真实个人信息）", "demo case (synthetic data, no real person)"),
    "demo.findings": ("检查完成：{n} 条违规发现，涉及 {rules} 条规则", "Checked: {n} findings under {rules} rules"),
    "demo.done": ("演示完成，案件目录：{path}", "Demo finished; case folder: {path}"),
}


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Let a module keep its own messages beside its code (keys prefixed by the module's area)."""
    for key, pair in messages.items():
        if key in MESSAGES and MESSAGES[key] != pair:
            raise KeyError(f"message {key} defined twice")
        if len(pair) != 2 or not all(pair):
            raise ValueError(f"message {key} needs zh-CN and en")
        MESSAGES[key] = pair


def t(key: str, **kw: object) -> str:
    zh, en = MESSAGES[key]
    return (en if lang() == "en" else zh).format(**kw)


def say(key: str, lang: str, **kw: object) -> str:
    """The message in `lang` (not the current language), filled in: for a page made for one reader."""
    zh, en = MESSAGES[key]
    return (en if lang == "en" else zh).format(**kw)


def text(key: str, lang: str, default: str | None = None) -> str:
    """The message in `lang` (not the current language): for names of things shown in a page made
    for one reader. A key that is not registered gives `default` (a value from elsewhere, shown as it is)."""
    pair = MESSAGES.get(key)
    if pair is None:
        if default is None:
            raise KeyError(key)
        return default
    return pair[1] if lang == "en" else pair[0]


def pick(value: object, lang: str) -> str:
    """The `lang` text of a {"zh-CN": …, "en": …} value stored in a case (see both), else its English;
    a plain value as it is, None as ""."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or "")
    return "" if value is None else str(value)


def both(key: str, **kw: object) -> dict[str, str]:
    zh, en = MESSAGES[key]
    return {"zh-CN": zh.format(**kw), "en": en.format(**kw)}
