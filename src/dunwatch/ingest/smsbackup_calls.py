"""SMS Backup & Restore (SyncTech) call-log backups: `<calls>` with `<call>`.

Recognised by the root element `<calls>`. `date` is epoch ms, `duration` seconds, `type` the AOSP
call type, `presentation` 1 allowed / 2 restricted / 3 unknown / 4 payphone — hidden-number calls
keep their number field as written and the presentation code in raw (research §2.4).
"""

from __future__ import annotations

from pathlib import Path


from dunwatch.ingest.base import Reader, Sink
from dunwatch.ingest.callcodes import absent, call_status
from dunwatch.ingest.problems import problem
from dunwatch.ingest.staging import OWNER, EventBatch
from dunwatch.ingest.times import ms_from_text
from dunwatch.ingest.xmlstream import located_elements, root_tag

RAW = ("date", "type", "duration", "number", "presentation", "contact_name")


class SmsBackupCalls(Reader):
    name = "sms-backup-restore-calls"
    reads = {"zh-CN": "SMS Backup & Restore 通话记录备份（XML）", "en": "SMS Backup & Restore call log (XML)"}
    extensions = (".xml",)
    in_child = True
    source = "SyncTech 'Fields in XML Backup Files'; research/formats-and-anchors.md §2.4"

    def sniff(self, path: Path, head: bytes) -> bool:
        return root_tag(head) == "calls"

    def read(self, path: Path, sink: Sink) -> None:
        batch = EventBatch(sink, RAW)
        for elem, loc in located_elements(path, sink.report, ("call",)):
            _call(path, elem.attrib, loc, batch)
        batch.close()


def _call(path: Path, a, loc: str, batch: EventBatch) -> None:
    ms = ms_from_text(a.get("date"))
    if ms is None:
        raise problem(path, loc, "ingest.bad_time", field="date", value=a.get("date"))
    duration = a.get("duration", "0")
    if not duration.isdigit():
        raise problem(path, loc, "ingest.bad_number", field="duration", value=duration)
    status, outgoing = call_status(a.get("type", ""), int(duration))
    number = absent(a.get("number"))
    raw = (a.get("date"), a.get("type"), duration, a.get("number"), a.get("presentation"), absent(a.get("contact_name")))
    batch.add("call", OWNER if outgoing else number, number if outgoing else OWNER, loc, at_ms=ms,
              duration_s=str(int(duration)), status=status, raw=raw)
