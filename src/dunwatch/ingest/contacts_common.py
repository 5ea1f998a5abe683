"""Address-book entries become parties with role `contact` (the address book collectors "explode").

One party per distinct number (first entry wins, by normalised number). An address book never
overrules a role already in the case other than contact/unknown: a number the user tagged as a
collector stays a collector even if the borrower once saved it.
"""

from __future__ import annotations

from dataclasses import dataclass

from dunwatch.ingest.base import Sink
from dunwatch.parties.numbers import normalize


@dataclass
class Contact:
    number: str
    name: str
    locator: str
    org: str = ""
    relation: str = ""


def stage_contacts(sink: Sink, contacts, why: str) -> None:
    kept_roles = {r[0] for r in sink.con.execute(
        "SELECT party_e164 FROM parties WHERE role NOT IN ('contact', 'unknown')").fetchall()}
    seen: set[str] = set()
    for c in contacts:
        number = (c.number or "").strip()
        if not number:
            continue
        key = normalize(number, sink.region)
        if key in seen or key in kept_roles:
            continue
        seen.add(key)
        # Keyed by the normal form so that one number is one party across address books and
        # exports; the number as written stays in `why` and in the evidence at `locator`.
        sink.party(party=key, role="contact", name=c.name.strip(), org=c.org.strip(), relation=c.relation.strip(),
                   why=f"{why}: {number}", locator=c.locator)
