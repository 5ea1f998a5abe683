"""Tag a party with a role (the user's word overrules any inferred role)."""

from __future__ import annotations

from dunwatch.case import Case, catalog
from dunwatch.errors import bad_input
from dunwatch.parties.numbers import normalize


def tag_party(case: Case, party: str, role: str, name: str | None = None, org: str | None = None,
              relation: str | None = None, why: str = "tagged by user") -> bool:
    """Write a new version of the party; returns False when nothing would change."""
    if role not in catalog.PARTY_ROLES:
        raise bad_input(party, "party.role", allowed=", ".join(catalog.PARTY_ROLES))
    e164 = normalize(party, case.region)
    # The same person may be written differently (0138…, +86 138…): match on the E.164 form.
    current = case.con.execute(
        "SELECT party, name, org, relation, role FROM parties WHERE party = ? OR party_e164 = ? ORDER BY party = ? DESC LIMIT 1",
        [party, e164, party]).fetchone()
    key, old_name, old_org, old_rel, old_role = current or (party, "", "", "", "")
    new = (role, name if name is not None else old_name, org if org is not None else old_org,
           relation if relation is not None else old_rel)
    if current and new == (old_role, old_name, old_org, old_rel):
        return False
    with case.transaction():
        seq = case.next_seq()
        case.con.execute("INSERT INTO party_versions VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, 1, ?)",
                         [key, *new, e164, why, seq])
        case.record(seq, "party.tag", {"party": key, "role": role, "name": new[1], "org": new[2], "relation": new[3]})
    return True
