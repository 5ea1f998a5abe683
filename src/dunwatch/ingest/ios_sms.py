"""iOS messages database `sms.db`: `message`, `handle`, `chat`, `attachment` (SMS, MMS, iMessage).

`message.date` is Mac absolute time, seconds on old iOS and nanoseconds on newer (iLEAPP
`fix_cocoa_date`; mvt); `is_from_me` gives the direction; the other side is `handle.id` (or the
chat's identifier for a group send). When `text` is NULL the text is in `attributedBody`, an
NSAttributedString in Apple's typedstream format (iLEAPP `sms.py`). Attachment files live outside
the database (Library/SMS/Attachments); their names are kept in the event's raw values (§1.3).
"""

from __future__ import annotations

from pathlib import Path

from dunwatch.ingest import sqlite_evidence
from dunwatch.ingest.base import Reader, Sink
from dunwatch.ingest.problems import problem
from dunwatch.ingest.sqlite_evidence import Database
from dunwatch.ingest.staging import OWNER, EventBatch
from dunwatch.ingest.times import ms_from_cocoa

RAW = ("date", "is_from_me", "service", "handle", "chat", "attachments")
_KINDS = {"SMS": "sms", "MMS": "mms"}  # iMessage, RCS and others are chat messages


class IosSms(Reader):
    name = "ios-sms"
    reads = {"zh-CN": "iPhone 短信/iMessage 数据库 sms.db", "en": "iPhone messages database (sms.db)"}
    extensions = (".db",)
    source = "iLEAPP scripts/artifacts/sms.py; mvt ios/modules/mixed/sms.py; research §1.3"

    def sniff(self, path: Path, head: bytes) -> bool:
        tables = sqlite_evidence.schema(path, head)
        return sqlite_evidence.has(tables, "message", "ROWID", "date", "is_from_me", "handle_id") and "handle" in tables

    def read(self, path: Path, sink: Sink) -> None:
        with Database(path) as db:
            batch = EventBatch(sink, RAW)
            chat = ("(SELECT c.chat_identifier FROM chat_message_join j JOIN chat c ON c.ROWID = j.chat_id "
                    "WHERE j.message_id = m.ROWID LIMIT 1)") if db.has("chat_message_join") and db.has("chat") else "NULL"
            files = ("(SELECT group_concat(coalesce(a.transfer_name, a.filename), ',') FROM message_attachment_join j "
                     "JOIN attachment a ON a.ROWID = j.attachment_id WHERE j.message_id = m.ROWID)"
                     if db.has("message_attachment_join") and db.has("attachment") else "NULL")
            sql = (f"SELECT m.ROWID, m.text, {db.column('message', 'attributedBody', alias='m')}, m.date, m.is_from_me, "
                   f"{db.column('message', 'service', alias='m')}, h.id, {chat}, {files} "
                   "FROM message m LEFT JOIN handle h ON h.ROWID = m.handle_id ORDER BY m.ROWID")
            for rowid, text, body, date, from_me, service, handle, chat_id, attachments in db.rows("message", sql):
                loc = f"message row {rowid}"
                ms = ms_from_cocoa(date)
                if ms is None:
                    raise problem(path, loc, "ingest.bad_time", field="date", value=date)
                if text is None and body is not None:
                    text = typedstream_text(bytes(body))
                other = handle or chat_id or ""
                outgoing = bool(from_me)
                batch.add(_KINDS.get(service or "", "chat"), OWNER if outgoing else other, other if outgoing else OWNER,
                          loc, at_ms=ms, status="sent" if outgoing else "received", text=text or "",
                          raw=(date, from_me, service, handle, chat_id, attachments))
            batch.close()


def typedstream_text(blob: bytes) -> str:
    """The string of an NSAttributedString archived with NSArchiver (typedstream).

    After the class name `NSString` come 5 bytes of type information, then the length — one byte,
    or 0x81 and two bytes little-endian, or 0x82 and four — then the UTF-8 text. Anything else
    gives "" rather than a guess."""
    at = blob.find(b"NSString")
    if at < 0:
        return ""
    rest = blob[at + len(b"NSString") + 5:]
    if not rest:
        return ""
    if rest[0] == 0x81:
        n, start = int.from_bytes(rest[1:3], "little"), 3
    elif rest[0] == 0x82:
        n, start = int.from_bytes(rest[1:5], "little"), 5
    else:
        n, start = rest[0], 1
    return rest[start:start + n].decode("utf-8", errors="replace")
