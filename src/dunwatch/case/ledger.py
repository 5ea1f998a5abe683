"""The append-only, hash-chained ledger of everything done to a case.

An entry is (seq, at, action, inputs, result, prev); its hash is the SHA-256 of that tuple as
canonical JSON. `prev` is the hash of entry seq-1 (64 zeros for the first), so altering,
removing or reordering any entry breaks the chain from that point on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from dunwatch.i18n import register, text

GENESIS = "0" * 64

# What people read for each action a ledger entry records (the action itself stays as written).
register({
    "action.case.init": ("创建案件", "case created"),
    "action.import": ("导入证据", "evidence imported"),
    "action.party.tag": ("标记号码身份", "number tagged"),
    "action.loan.add": ("录入借款", "loan added"),
    "action.check": ("按规则检查", "checked against the rules"),
    "action.export": ("导出", "exported"),
    "action.report": ("生成材料", "dossier made"),
})


def action_name(action: str, lang: str) -> str:
    return text(f"action.{action}", lang, action)


def canonical(obj: object) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str
    action: str
    inputs: str  # canonical JSON
    result: str
    prev: str
    hash: str

    @staticmethod
    def compute_hash(seq: int, at: str, action: str, inputs: str, result: str, prev: str) -> str:
        body = canonical({"seq": seq, "at": at, "action": action, "inputs": inputs, "result": result, "prev": prev})
        return hashlib.sha256(body.encode("utf-8")).hexdigest()

    def expected_hash(self) -> str:
        return self.compute_hash(self.seq, self.at, self.action, self.inputs, self.result, self.prev)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def result_hash(parts: dict[str, str]) -> str:
    """One hash for what an entry produced: per-table row hashes, output file hashes, settings."""
    return hashlib.sha256(canonical(parts).encode("utf-8")).hexdigest()


def head(con) -> tuple[int, str]:
    # fetchall: a half-read result would block the connection's next register() (DuckDB 2).
    rows = con.execute("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1").fetchall()
    row = rows[0] if rows else None
    return (int(row[0]), row[1]) if row else (0, GENESIS)


def append(con, action: str, inputs: dict, result: str) -> Entry:
    seq, prev = head(con)
    seq += 1
    at = now()
    inputs_json = canonical(inputs)
    h = Entry.compute_hash(seq, at, action, inputs_json, result, prev)
    con.execute("INSERT INTO ledger VALUES (?, ?, ?, ?, ?, ?, ?)", [seq, at, action, inputs_json, result, prev, h])
    return Entry(seq, at, action, inputs_json, result, prev, h)


def entries(con) -> list[Entry]:
    rows = con.execute('SELECT seq, "at", action, inputs, result, prev, hash FROM ledger ORDER BY seq').fetchall()
    return [Entry(int(r[0]), *r[1:]) for r in rows]
