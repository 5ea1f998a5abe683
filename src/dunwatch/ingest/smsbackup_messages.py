"""SMS Backup & Restore (SyncTech) message backups: `<smses>` with `<sms>` and `<mms>`.

Recognised by the root element `<smses>`, whatever the file is called. Yields one event per
message and recipient (a group message sent to three people is three events, `sms[12]/to[2]`);
MMS parts with base64 `data` are stored as evidence of their own, pointing back to `mms[N]/part[M]`.

Meanings (research/formats-and-anchors.md §2, SyncTech field list): `date` is epoch ms for sms and
mms; MMS `date_sent` is seconds (kept raw only); "null" means absent; `address` may join group
members with `~`; `<addr type>` 137 = from, 151 = to, 130 = cc, 129 = bcc; the SMIL part
(`application/smil`, seq -1) is layout, not content.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path


from dunwatch.ingest.base import Reader, Sink
from dunwatch.ingest.callcodes import OUTGOING_BOXES, SMS_BOX, absent
from dunwatch.ingest.problems import problem
from dunwatch.ingest.staging import OWNER, EventBatch
from dunwatch.ingest.times import ms_from_text
from dunwatch.ingest.xmlstream import located_elements, root_tag

RAW = ("date", "date_sent", "type", "address", "contact_name", "attachments")
_FROM, _RECIPIENTS = "137", ("151", "130", "129")


class SmsBackupMessages(Reader):
    name = "sms-backup-restore"
    reads = {"zh-CN": "SMS Backup & Restore 短信/彩信备份（XML）", "en": "SMS Backup & Restore messages (XML)"}
    extensions = (".xml",)
    in_child = True
    source = "SyncTech 'Fields in XML Backup Files'; research/formats-and-anchors.md §2"

    def sniff(self, path: Path, head: bytes) -> bool:
        return root_tag(head) == "smses"

    def read(self, path: Path, sink: Sink) -> None:
        batch = EventBatch(sink, RAW)
        for elem, loc in located_elements(path, sink.report, ("sms", "mms")):
            if elem.tag == "sms":
                _sms(path, elem, loc, batch)
            else:
                _mms(path, elem, loc, batch, sink)
        batch.close()


def _time(path: Path, attrs, loc: str) -> int:
    ms = ms_from_text(attrs.get("date"))
    if ms is None:
        raise problem(path, loc, "ingest.bad_time", field="date", value=attrs.get("date"))
    return ms


def _split(address: str) -> list[str]:
    return [a for a in address.split("~") if a] or [""]


def _add(batch: EventBatch, kind: str, outgoing: bool, sender: str, recipients: list[str], loc: str, ms: int,
         status: str, text: str, raw: tuple) -> None:
    for i, to in enumerate(recipients, 1):
        where = f"{loc}/to[{i}]" if len(recipients) > 1 else loc
        batch.add(kind, OWNER if outgoing else sender, to, where, at_ms=ms, status=status, text=text, raw=raw)


def _sms(path: Path, elem, loc: str, batch: EventBatch) -> None:
    get = elem.get  # the hot path of a 2-million-message backup: plain lookups only
    date = get("date")
    ms = ms_from_text(date)
    if ms is None:
        raise problem(path, loc, "ingest.bad_time", field="date", value=date)
    box = get("type", "")
    address = get("address", "")
    if address == "null":
        address = ""
    body = get("body", "")
    if body == "null":
        body = ""
    contact = get("contact_name")
    raw = (date, get("date_sent"), box, address, None if contact == "null" else contact, None)
    status = SMS_BOX.get(box, box)
    if box not in OUTGOING_BOXES:
        batch.add("sms", address, OWNER, loc, at_ms=ms, status=status, text=body, raw=raw)
    elif "~" not in address:
        batch.add("sms", OWNER, address, loc, at_ms=ms, status=status, text=body, raw=raw)
    else:
        _add(batch, "sms", True, OWNER, _split(address), loc, ms, status, body, raw)


def _mms(path: Path, elem, loc: str, batch: EventBatch, sink: Sink) -> None:
    a = elem.attrib
    ms = _time(path, a, loc)
    box = a.get("msg_box", "")
    outgoing = box in OUTGOING_BOXES
    texts, stored = [], []
    for i, part in enumerate(elem.iterfind("parts/part"), 1):
        ct = absent(part.get("ct")).lower()
        if ct == "application/smil" or part.get("seq") == "-1":
            continue
        data = absent(part.get("data"))
        if ct.startswith("text/") and not data:
            text = absent(part.get("text"))
            if text:
                texts.append(text)
            continue
        if not data:  # an empty data attribute: the app had no bytes for this part
            continue
        try:
            blob = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise problem(path, f"{loc}/part[{i}]", "ingest.base64") from None
        name = absent(part.get("fn")) or absent(part.get("name")) or absent(part.get("cl")) or f"part-{i}"
        stored.append(sink.attachment(blob, name, f"{loc}/part[{i}]"))
    sender, recipients = "", []
    for addr in elem.iterfind("addrs/addr"):
        kind, value = addr.get("type"), absent(addr.get("address"))
        if kind == _FROM and not sender:
            sender = value
        elif kind in _RECIPIENTS and value:
            recipients.append(value)
    address = absent(a.get("address"))
    if outgoing and not recipients:
        recipients = _split(address)
    if not outgoing:
        sender = sender or address
        recipients = recipients or [OWNER]
    raw = (a.get("date"), a.get("date_sent"), box, address, absent(a.get("contact_name")), ",".join(stored) or None)
    _add(batch, "mms", outgoing, sender, recipients, loc, ms, SMS_BOX.get(box, box), "\n".join(texts), raw)
