"""Android call log database `calllog.db` (table `calls`; `contacts2.db` held it before Android 7).

AOSP `CallLog.Calls`: `date` epoch ms, `duration` seconds, `type` 1 incoming … 7 answered
externally, `presentation` 1–4 (ALEAPP `calllog.py`; research/formats-and-anchors.md §1.2).
"""

from __future__ import annotations

from pathlib import Path

from dunwatch.ingest import sqlite_evidence
from dunwatch.ingest.base import Reader, Sink
from dunwatch.ingest.callcodes import call_status
from dunwatch.ingest.problems import problem
from dunwatch.ingest.sqlite_evidence import Database
from dunwatch.ingest.staging import OWNER, EventBatch
from dunwatch.ingest.times import ms_from_text

RAW = ("date", "type", "duration", "number", "presentation", "name", "geocoded_location")
_NEEDS = ("number", "date", "duration", "type")


class AndroidCallLog(Reader):
    name = "android-calllog"
    reads = {"zh-CN": "安卓通话记录数据库 calllog.db", "en": "Android call log database (calllog.db)"}
    extensions = (".db",)
    source = "AOSP CallLog.Calls; ALEAPP scripts/artifacts/calllog.py; research §1.2"

    def sniff(self, path: Path, head: bytes) -> bool:
        tables = sqlite_evidence.schema(path, head)
        return sqlite_evidence.has(tables, "calls", *_NEEDS) and "raw_contacts" not in tables

    def read(self, path: Path, sink: Sink) -> None:
        with Database(path) as db:
            read_calls(db, sink)


def read_calls(db: Database, sink: Sink) -> None:
    batch = EventBatch(sink, RAW)
    total = db.count("calls")
    col = lambda c: db.column("calls", c)  # noqa: E731
    sql = (f"SELECT _id, number, date, duration, type, {col('presentation')}, {col('name')}, {col('geocoded_location')} "
           "FROM calls ORDER BY _id")
    for i, (rowid, number, date, duration, type_, presentation, name, geo) in enumerate(db.rows("calls", sql), 1):
        loc = f"calls row {rowid}"
        ms = ms_from_text(date)
        if ms is None:
            raise problem(db.path, loc, "ingest.bad_time", field="date", value=date)
        try:
            seconds = int(duration or 0)
        except (TypeError, ValueError):
            raise problem(db.path, loc, "ingest.bad_number", field="duration", value=duration) from None
        if seconds < 0:
            raise problem(db.path, loc, "ingest.bad_number", field="duration", value=duration)
        status, outgoing = call_status(str(type_), seconds)
        number = "" if number is None else str(number)
        batch.add("call", OWNER if outgoing else number, number if outgoing else OWNER, loc, at_ms=ms,
                  duration_s=str(seconds), status=status, raw=(date, type_, duration, number, presentation, name, geo))
        if i % 20_000 == 0:
            sink.report(i, total)
    batch.close()
