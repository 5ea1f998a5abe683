"""Android messages database `mmssms.db`: table `sms`, and MMS in `pdu` + `part` + `addr`.

AOSP Telephony: `sms.date` epoch ms and `type` 1 received … 6 queued; `pdu.date` is **seconds**
and `msg_box` 1 inbox … 5 failed; `addr.type` 137 from, 151 to, 130 cc, 129 bcc; `part.text`
holds text parts, other parts live in files named by `part._data` (app_parts/…), which are not
inside this database: their names are kept in the event's raw values (ALEAPP `smsmms.py`; §1.2).
"""

from __future__ import annotations

from pathlib import Path

from dunwatch.ingest import sqlite_evidence
from dunwatch.ingest.base import Reader, Sink
from dunwatch.ingest.callcodes import OUTGOING_BOXES, SMS_BOX
from dunwatch.ingest.problems import problem
from dunwatch.ingest.sqlite_evidence import Database
from dunwatch.ingest.staging import OWNER, EventBatch
from dunwatch.ingest.times import ms_from_seconds, ms_from_text

RAW = ("date", "date_sent", "type", "address", "attachments")


class AndroidMmsSms(Reader):
    name = "android-mmssms"
    reads = {"zh-CN": "安卓短信数据库 mmssms.db", "en": "Android messages database (mmssms.db)"}
    extensions = (".db",)
    source = "AOSP Telephony.Sms / Telephony.Mms; ALEAPP scripts/artifacts/smsmms.py; research §1.2"

    def sniff(self, path: Path, head: bytes) -> bool:
        return sqlite_evidence.has(sqlite_evidence.schema(path, head), "sms", "address", "date", "type", "body")

    def read(self, path: Path, sink: Sink) -> None:
        with Database(path) as db:
            batch = EventBatch(sink, RAW)
            _sms(db, batch)
            if db.has("pdu", "_id", "date", "msg_box"):
                _mms(db, batch)
            batch.close()


def _sms(db: Database, batch: EventBatch) -> None:
    sql = f"SELECT _id, address, date, {db.column('sms', 'date_sent')}, type, body FROM sms ORDER BY _id"
    for rowid, address, date, date_sent, type_, body in db.rows("sms", sql):
        loc = f"sms row {rowid}"
        ms = ms_from_text(date)
        if ms is None:
            raise problem(db.path, loc, "ingest.bad_time", field="date", value=date)
        box = str(type_)
        address = address or ""
        outgoing = box in OUTGOING_BOXES
        raw = (date, date_sent, box, address, None)
        recipients = ([a for a in address.split("~") if a] or [""]) if outgoing else [OWNER]
        for i, to in enumerate(recipients, 1):
            batch.add("sms", OWNER if outgoing else address, to, f"{loc}/to[{i}]" if len(recipients) > 1 else loc,
                      at_ms=ms, status=SMS_BOX.get(box, box), text=body or "", raw=raw)


def _mms(db: Database, batch: EventBatch) -> None:
    texts: dict[int, list[str]] = {}
    files: dict[int, list[str]] = {}
    if db.has("part", "mid", "ct"):
        sql = f"SELECT mid, ct, {db.column('part', 'text')}, {db.column('part', '_data')}, {db.column('part', 'seq', '0')} FROM part ORDER BY mid, _id"
        for mid, ct, text, data, seq in db.rows("part", sql):
            if (ct or "").lower() == "application/smil" or str(seq) == "-1":
                continue
            if text and (ct or "").lower().startswith("text/"):
                texts.setdefault(mid, []).append(text)
            elif data:
                files.setdefault(mid, []).append(str(data).rsplit("/", 1)[-1])
    addrs: dict[int, tuple[str, list[str]]] = {}
    if db.has("addr", "msg_id", "address", "type"):
        for mid, address, type_ in db.rows("addr", "SELECT msg_id, address, type FROM addr ORDER BY msg_id, _id"):
            sender, recipients = addrs.setdefault(mid, ("", []))
            if str(type_) == "137" and not sender:
                addrs[mid] = (address or "", recipients)
            elif str(type_) in ("151", "130", "129") and address:
                recipients.append(address)
    sql = f"SELECT _id, date, {db.column('pdu', 'date_sent')}, msg_box FROM pdu ORDER BY _id"
    for rowid, date, date_sent, box in db.rows("pdu", sql):
        loc = f"pdu row {rowid}"
        ms = ms_from_seconds(date)
        if ms is None:
            raise problem(db.path, loc, "ingest.bad_time", field="date", value=date)
        box = str(box)
        outgoing = box in OUTGOING_BOXES
        sender, recipients = addrs.get(rowid, ("", []))
        if not outgoing:
            recipients = recipients or [OWNER]
        recipients = recipients or [""]
        raw = (date, date_sent, box, "~".join(recipients), ",".join(files.get(rowid, [])) or None)
        text = "\n".join(texts.get(rowid, []))
        for i, to in enumerate(recipients, 1):
            batch.add("mms", OWNER if outgoing else sender, to, f"{loc}/to[{i}]" if len(recipients) > 1 else loc,
                      at_ms=ms, status=SMS_BOX.get(box, box), text=text, raw=raw)
