"""iOS address book `AddressBook.sqlitedb`: `ABPerson` + `ABMultiValue` (+ `ABGroup`).

`ABMultiValue.property` 3 is a phone number (observed schema; Apple does not publish the values,
iLEAPP `addressBook.py`). The name is Last+First for Chinese names (姓名 order) and "First Last"
otherwise; the relation is the person's group name (`ABGroupMembers` → `ABGroup.Name`) (§1.3).
"""

from __future__ import annotations

import re
from pathlib import Path

from dunwatch.ingest import sqlite_evidence
from dunwatch.ingest.base import Reader, Sink
from dunwatch.ingest.contacts_common import Contact, stage_contacts
from dunwatch.ingest.sqlite_evidence import Database

PHONE_PROPERTY = 3
_CJK = re.compile(r"[\u3400-\u9fff]")


class IosAddressBook(Reader):
    name = "ios-addressbook"
    reads = {"zh-CN": "iPhone 通讯录 AddressBook.sqlitedb", "en": "iPhone address book (AddressBook.sqlitedb)"}
    extensions = (".sqlitedb",)
    source = "iLEAPP scripts/artifacts/addressBook.py; research §1.3"

    def sniff(self, path: Path, head: bytes) -> bool:
        tables = sqlite_evidence.schema(path, head)
        return sqlite_evidence.has(tables, "ABPerson", "ROWID") and sqlite_evidence.has(tables, "ABMultiValue", "record_id", "property", "value")

    def read(self, path: Path, sink: Sink) -> None:
        with Database(path) as db:
            stage_contacts(sink, _contacts(db), why=f"address book ({path.name})")


def full_name(first: str, last: str) -> str:
    first, last = (first or "").strip(), (last or "").strip()
    if _CJK.search(first + last):
        return last + first
    return " ".join(p for p in (first, last) if p)


def _contacts(db: Database):
    groups: dict[int, str] = {}
    if db.has("ABGroupMembers", "group_id", "member_id") and db.has("ABGroup", "ROWID", "Name"):
        for member, name in db.rows("ABGroup", """SELECT m.member_id, g.Name FROM ABGroupMembers m
                                                  JOIN ABGroup g ON g.ROWID = m.group_id ORDER BY m.ROWID"""):
            groups.setdefault(member, name or "")
    col = lambda c: db.column("ABPerson", c, "''")  # noqa: E731
    sql = (f"SELECT v.UID, p.ROWID, {col('First')}, {col('Last')}, {col('Organization')}, v.value "
           f"FROM ABMultiValue v JOIN ABPerson p ON p.ROWID = v.record_id WHERE v.property = {PHONE_PROPERTY} ORDER BY p.ROWID, v.UID")
    for uid, person, first, last, org, value in db.rows("ABMultiValue", sql):
        yield Contact(str(value or ""), full_name(first, last), f"ABMultiValue row {uid}", org or "", groups.get(person, ""))
