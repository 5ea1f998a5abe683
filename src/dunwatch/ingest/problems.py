"""The one-line problems the phone-export readers report: file, place in it, what is wrong."""

from __future__ import annotations

from pathlib import Path

from dunwatch.errors import UserError
from dunwatch.i18n import register, t

register({
    "ingest.at": ("{where}：{problem}", "{where}: {problem}"),
    "ingest.bad_time": ("{field} 的值 {value!r} 不是有效时间", "{field} {value!r} is not a valid time"),
    "ingest.bad_number": ("{field} 的值 {value!r} 不是数字", "{field} {value!r} is not a number"),
    "ingest.xml_syntax": ("XML 语法错误（{after}）：{message}", "XML syntax error ({after}): {message}"),
    "ingest.xml_start": ("文件开头", "at the start of the file"),
    "ingest.xml_after": ("在 {locator} 之后", "after {locator}"),
    "ingest.xml_dtd": ("含有 DOCTYPE/实体声明，出于安全原因拒绝读取", "has a DOCTYPE or entity declarations, refused for safety"),
    "ingest.xml_root": ("根元素应为 {want}，实际为 {got}", "root element should be {want}, found {got}"),
    "ingest.base64": ("附件 data 不是有效的 base64", "attachment data is not valid base64"),
    "ingest.sqlite": ("SQLite 数据库无法读取：{message}", "cannot read the SQLite database: {message}"),
    "ingest.sqlite_table": ("缺少表或列：{what}", "missing table or column: {what}"),
    "ingest.vcard": ("vCard 结构错误：{message}", "vCard structure error: {message}"),
    "ingest.encoding": ("无法识别文本编码（已尝试 UTF-8、UTF-16、GB18030）", "cannot tell the text encoding (tried UTF-8, UTF-16, GB18030)"),
    "ingest.bill_header": ("找不到通话详单的表头（需含 {need}）", "no itemized-bill header row found (needs {need})"),
    "ingest.bill_direction": ("通信方式 {value!r} 无法判断主叫/被叫", "direction {value!r} is neither caller nor callee"),
    "ingest.bill_duration": ("通信时长 {value!r} 无法识别", "duration {value!r} not understood"),
    "ingest.bill_short_row": ("缺少 {column} 列", "column {column} is missing"),
    "ingest.mapping": ("列映射文件无效：{message}", "bad column mapping file: {message}"),
    "ingest.xlsx": ("XLSX 文件无法读取：{message}", "cannot read the XLSX file: {message}"),
    "ingest.progress": ("读取中", "reading"),
})


def problem(path: Path, where: str, key: str, **kw: object) -> UserError:
    """`file: where: problem` — where is a locator such as `sms[12]` or `calls row 17`."""
    return UserError(t("ingest.at", where=where, problem=t(key, **kw)), path)
