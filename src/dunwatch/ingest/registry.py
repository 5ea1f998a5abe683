"""The list of readers, in the order they are asked whether they recognise a file."""

from __future__ import annotations

from pathlib import Path

from dunwatch.errors import bad_input
from dunwatch.ingest.base import Reader
from dunwatch.ingest.interchange_csv import EventsCsv, PartiesCsv
from dunwatch.ingest.android_calllog import AndroidCallLog
from dunwatch.ingest.android_contacts import AndroidContacts
from dunwatch.ingest.android_mmssms import AndroidMmsSms
from dunwatch.ingest.carrier_bill import CarrierBillCsv, CarrierBillXlsx
from dunwatch.ingest.ios_addressbook import IosAddressBook
from dunwatch.ingest.ios_callhistory import IosCallHistory
from dunwatch.ingest.ios_sms import IosSms
from dunwatch.ingest.smsbackup_calls import SmsBackupCalls
from dunwatch.ingest.smsbackup_messages import SmsBackupMessages
from dunwatch.ingest.vcard import VCard
from dunwatch.ingest.recording import CallRecording
from dunwatch.ingest.screenshot import ChatScreenshot

READERS: list[Reader] = [EventsCsv(), PartiesCsv()]
# Phone and carrier exports (issue 3).
READERS += [SmsBackupMessages(), SmsBackupCalls(), AndroidContacts(), AndroidCallLog(), AndroidMmsSms(), IosSms(),
            IosCallHistory(), IosAddressBook(), VCard(), CarrierBillCsv(), CarrierBillXlsx()]
# Screenshots and recordings, recognised by their magic bytes (issue 7); last, as the loosest sniffers.
READERS += [ChatScreenshot(), CallRecording()]

HEAD_BYTES = 1 << 16


def register(reader: Reader, first: bool = False) -> None:
    if first:
        READERS.insert(0, reader)
    else:
        READERS.append(reader)


def recognise(path: Path) -> Reader:
    """The reader that recognises this file by its content, or a clear error."""
    if not path.is_file():
        raise bad_input(path, "file.missing")
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
    if not head:
        raise bad_input(path, "file.empty")
    for reader in READERS:
        if reader.sniff(path, head):
            return reader
    raise bad_input(path, "file.unknown_format")
