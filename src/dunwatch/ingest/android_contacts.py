"""Android contacts database `contacts2.db`: `raw_contacts` + `data` + `mimetypes` (+ `groups`).

Phone numbers are `data.data1` rows of mimetype `vnd.android.cursor.item/phone_v2`; the name is
`raw_contacts.display_name` (or the `…/name` row), the organisation the `…/organization` row, and
the relation the title of the contact's group (`…/group_membership` → `groups.title`, e.g. Family,
Coworkers). Deleted raw contacts are skipped. Before Android 7 this database also held the call log
table `calls`, which is read too (ALEAPP `contacts.py`, `calllogs.py`; research §1.2).
"""

from __future__ import annotations

from pathlib import Path

from dunwatch.ingest import sqlite_evidence
from dunwatch.ingest.android_calllog import read_calls
from dunwatch.ingest.base import Reader, Sink
from dunwatch.ingest.contacts_common import Contact, stage_contacts
from dunwatch.ingest.sqlite_evidence import Database

_PHONE, _ORG, _GROUP = "vnd.android.cursor.item/phone_v2", "vnd.android.cursor.item/organization", "vnd.android.cursor.item/group_membership"


class AndroidContacts(Reader):
    name = "android-contacts"
    reads = {"zh-CN": "安卓通讯录数据库 contacts2.db", "en": "Android contacts database (contacts2.db)"}
    extensions = (".db",)
    source = "AOSP ContactsContract; ALEAPP scripts/artifacts/contacts.py; research §1.2"

    def sniff(self, path: Path, head: bytes) -> bool:
        tables = sqlite_evidence.schema(path, head)
        return all(sqlite_evidence.has(tables, t) for t in ("raw_contacts", "data", "mimetypes"))

    def read(self, path: Path, sink: Sink) -> None:
        with Database(path) as db:
            stage_contacts(sink, _contacts(db), why=f"address book ({path.name})")
            if db.has("calls", "number", "date", "duration", "type"):
                read_calls(db, sink)


def _contacts(db: Database):
    deleted = db.column("raw_contacts", "deleted", "0")
    people = {rid: (name or "") for rid, name in db.rows(
        "raw_contacts", f"SELECT _id, display_name FROM raw_contacts WHERE coalesce({deleted}, 0) = 0")}
    orgs: dict[int, str] = {}
    groups: dict[int, str] = {}
    titles = {}
    if db.has("groups", "_id", "title"):
        titles = {gid: title or "" for gid, title in db.rows("groups", 'SELECT _id, title FROM "groups"')}
    rows = list(db.rows("data", """SELECT d._id, d.raw_contact_id, m.mimetype, d.data1 FROM data d
                                    JOIN mimetypes m ON m._id = d.mimetype_id ORDER BY d.raw_contact_id, d._id"""))
    for _, rid, mimetype, data1 in rows:
        if mimetype == _ORG and data1:
            orgs.setdefault(rid, data1)
        elif mimetype == _GROUP and data1 is not None:
            title = titles.get(int(data1)) if str(data1).isdigit() else None
            if title:
                groups.setdefault(rid, title)
    for data_id, rid, mimetype, data1 in rows:
        if mimetype == _PHONE and rid in people:
            yield Contact(str(data1 or ""), people[rid], f"data row {data_id}", orgs.get(rid, ""), groups.get(rid, ""))
