import json
import sys

import click

from dunwatch.errors import UserError
from dunwatch.i18n import register, t

register({
    "classify.not_utf8": ("第 {line} 行不是 UTF-8 编码", "line {line} is not valid UTF-8"),
    "classify.bad_json": ("第 {line} 行不是有效的 JSON 对象（{problem}）", "line {line} is not a valid JSON object ({problem})"),
    "classify.need_text": ("第 {line} 行需要字符串字段 \"text\"", "line {line} needs a string field \"text\""),
})


def read_messages(data: bytes, name: str) -> list[tuple[object, str]]:
    """(id, text) pairs from JSON Lines objects with id and text, or plain text (one message a line).

    The first non-empty line decides: a line starting with "{" means JSON Lines. Plain-text ids are
    line numbers. Everything is checked before anything is classified."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.split(b"\n")
    texts = []
    for n, raw in enumerate(lines, 1):
        try:
            texts.append(raw.rstrip(b"\r").decode("utf-8"))
        except UnicodeDecodeError:
            raise UserError(t("classify.not_utf8", line=n), name) from None
    first = next((s for s in texts if s.strip()), "")
    out: list[tuple[object, str]] = []
    if first.lstrip().startswith("{"):
        for n, line in enumerate(texts, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as e:
                raise UserError(t("classify.bad_json", line=n, problem=str(e).split(":")[0]), name) from None
            if not isinstance(obj, dict):
                raise UserError(t("classify.bad_json", line=n, problem=type(obj).__name__), name)
            if not isinstance(obj.get("text"), str):
                raise UserError(t("classify.need_text", line=n), name)
            out.append((obj.get("id", n), obj["text"]))
    else:
        out = [(n, line) for n, line in enumerate(texts, 1) if line.strip()]
    return out


@click.command()
@click.argument("source", metavar="[FILE|-]", default="-")
def classify(source):
    """给消息文本打上催收行为标签 / Label message texts with conduct labels (JSON Lines out).

    输入：每行一个 JSON 对象（含 id 和 text），或纯文本每行一条消息（id 为行号）。
    输出：每行一个 JSON 对象 {"id", "labels": [{"label", "score", "spans", "detector"}], "pii": [...]}，
    位置为原文字符下标。标签说明见 docs/labels.md。

    Input: JSON Lines objects with "id" and "text", or plain text, one message a line (id = line
    number). Output: one JSON object a line; spans index the original text. Labels: docs/labels.md.

    \b
    例 / Example:
      echo '再不还钱就上门找你' | dunwatch classify
      dunwatch classify messages.jsonl > labels.jsonl
    """
    if source == "-":
        data, name = sys.stdin.buffer.read(), "<stdin>"
    else:
        try:
            with open(source, "rb") as f:
                data, name = f.read(), source
        except OSError:
            raise UserError(t("file.missing"), source) from None
    messages = read_messages(data, name)
    from dunwatch.conduct.classify import classify_many

    out = sys.stdout
    for result in classify_many(messages):
        # Control characters in ids are escaped by json; texts are never echoed.
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()
