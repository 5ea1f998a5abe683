"""iOS call history `CallHistory.storedata` (Core Data SQLite, table `ZCALLRECORD`).

`ZDATE` Mac absolute time in seconds, `ZDURATION` seconds, `ZORIGINATED` 1 outgoing, `ZANSWERED`
1 answered, `ZCALLTYPE` 1 phone, 8 FaceTime video, 16 FaceTime audio (community-established decodes,
iLEAPP `callHistory.py`), `ZADDRESS` the other number (text, or a blob on some versions) (§1.3).
"""

from __future__ import annotations

from pathlib import Path

from dunwatch.ingest import sqlite_evidence
from dunwatch.ingest.base import Reader, Sink
from dunwatch.ingest.problems import problem
from dunwatch.ingest.sqlite_evidence import Database
from dunwatch.ingest.staging import OWNER, EventBatch
from dunwatch.ingest.times import ms_from_cocoa

RAW = ("ZDATE", "ZDURATION", "ZORIGINATED", "ZANSWERED", "ZCALLTYPE", "ZADDRESS", "ZSERVICE_PROVIDER")


class IosCallHistory(Reader):
    name = "ios-callhistory"
    reads = {"zh-CN": "iPhone 通话记录 CallHistory.storedata", "en": "iPhone call history (CallHistory.storedata)"}
    extensions = (".storedata", ".db")
    source = "iLEAPP scripts/artifacts/callHistory.py; mvt ios/modules/mixed/calls.py; research §1.3"

    def sniff(self, path: Path, head: bytes) -> bool:
        return sqlite_evidence.has(sqlite_evidence.schema(path, head), "ZCALLRECORD", "ZDATE", "ZDURATION", "ZORIGINATED", "ZADDRESS")

    def read(self, path: Path, sink: Sink) -> None:
        with Database(path) as db:
            batch = EventBatch(sink, RAW)
            col = lambda c: db.column("ZCALLRECORD", c)  # noqa: E731
            sql = (f"SELECT Z_PK, ZDATE, ZDURATION, ZORIGINATED, {col('ZANSWERED')}, {col('ZCALLTYPE')}, ZADDRESS, "
                   f"{col('ZSERVICE_PROVIDER')} FROM ZCALLRECORD ORDER BY Z_PK")
            for pk, date, duration, originated, answered, calltype, address, provider in db.rows("ZCALLRECORD", sql):
                loc = f"ZCALLRECORD row {pk}"
                ms = ms_from_cocoa(date)
                if ms is None:
                    raise problem(path, loc, "ingest.bad_time", field="ZDATE", value=date)
                try:
                    seconds = float(duration or 0)
                except (TypeError, ValueError):
                    raise problem(path, loc, "ingest.bad_number", field="ZDURATION", value=duration) from None
                if seconds < 0:
                    raise problem(path, loc, "ingest.bad_number", field="ZDURATION", value=duration)
                if isinstance(address, bytes):
                    address = address.decode("utf-8", errors="replace")
                number = address or ""
                outgoing = str(originated) == "1"
                if outgoing:
                    status = "answered" if seconds > 0 else "failed"
                else:
                    status = "answered" if str(answered) == "1" or (answered is None and seconds > 0) else "missed"
                batch.add("call", OWNER if outgoing else number, number if outgoing else OWNER, loc, at_ms=ms,
                          duration_s=f"{seconds:g}", status=status,
                          raw=(date, duration, originated, answered, calltype, number, provider))
            batch.close()
