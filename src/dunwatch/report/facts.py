"""What the case says about who did what and when: parties, collectors, collection contacts.

A *collection contact* is an event from a number that is not the debtor's, a contact's or an
authority's, to the debtor or one of the debtor's contacts. Collectors' numbers rotate and are
rarely tagged one by one, so an untagged sender counts as collection-side; tagging a number as
`contact` or `authority` (dunwatch party tag) takes it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dunwatch.case import Case

# Ledger actions that only read the case; the dossier is stamped with the last entry that changed it,
# so reporting twice gives the same dossier.
READ_ONLY_ACTIONS = ("report", "export")


@dataclass
class Party:
    party: str
    e164: str
    role: str
    name: str = ""
    org: str = ""
    relation: str = ""


@dataclass
class Collector:
    number: str
    org: str
    calls: int
    messages: int
    first: str
    last: str


@dataclass
class CaseFacts:
    tz: str
    jurisdiction: str
    synthetic: bool
    as_of: tuple[int, str, str]  # ledger seq, action, hash
    debtor: Party | None
    lenders: list[Party]
    contacts: list[Party]
    authorities: list[str] = field(default_factory=list)
    collectors: list[Collector] = field(default_factory=list)
    first: str = ""
    last: str = ""
    calls: int = 0
    messages: int = 0

    @property
    def debtor_ids(self) -> list[str]:
        return [self.debtor.e164] if self.debtor else []

    def contact_by_id(self) -> dict[str, Party]:
        return {p.e164: p for p in self.contacts}


def local(expr: str, tz: str) -> str:
    """SQL for an events.at_utc expression as local wall time in the case's time zone."""
    tz_sql = tz.replace("'", "''")
    return f"timezone('{tz_sql}', timezone('UTC', {expr}))"


def collection_sql(facts: CaseFacts) -> tuple[str, list]:
    """SQL (and its parameters) selecting collection contacts with their local time `lt`."""
    targets = facts.debtor_ids + [p.e164 for p in facts.contacts]
    sql = f"""SELECT e.*, {local('e.at_utc', facts.tz)} AS lt FROM events e
              WHERE e.from_e164 <> '' AND NOT list_contains(?, e.from_e164) AND list_contains(?, e.to_e164)"""
    return sql, [targets + facts.authorities, targets]


def as_of(case: Case) -> tuple[int, str, str]:
    row = case.con.execute(
        "SELECT seq, action, hash FROM ledger WHERE action NOT IN (SELECT unnest(?)) ORDER BY seq DESC LIMIT 1",
        [list(READ_ONLY_ACTIONS)]).fetchone()
    return (int(row[0]), row[1], row[2]) if row else (0, "", "")


def gather(case: Case) -> CaseFacts:
    rows = case.con.execute(
        "SELECT party, party_e164, role, name, org, relation FROM parties ORDER BY entry, ord, party").fetchall()
    parties = [Party(*r) for r in rows]
    debtors = [p for p in parties if p.role == "debtor"]
    facts = CaseFacts(
        tz=case.tz, jurisdiction=case.jurisdiction, synthetic=bool(case.settings.get("synthetic")),
        as_of=as_of(case), debtor=debtors[0] if debtors else None,
        lenders=[p for p in parties if p.role == "lender"],
        contacts=[p for p in parties if p.role == "contact"],
        authorities=[p.e164 for p in parties if p.role == "authority"],
    )
    orgs = dict(case.con.execute(
        """SELECT party_e164, org FROM (SELECT party_e164, org, row_number() OVER (PARTITION BY party_e164 ORDER BY entry DESC) rn
           FROM attributions WHERE org <> '') WHERE rn = 1""").fetchall())
    orgs.update({p.e164: p.org for p in parties if p.org})
    sql, params = collection_sql(facts)
    collectors = case.con.execute(
        f"""SELECT from_e164, count(*) FILTER (kind = 'call'), count(*) FILTER (kind <> 'call'),
                   strftime(min(lt), '%Y-%m-%d %H:%M'), strftime(max(lt), '%Y-%m-%d %H:%M')
            FROM ({sql}) GROUP BY from_e164 ORDER BY count(*) DESC, from_e164""", params).fetchall()
    facts.collectors = [Collector(n, orgs.get(n, ""), c, m, f, l) for n, c, m, f, l in collectors]
    first, last, calls, msgs = case.con.execute(
        f"""SELECT strftime(min(lt), '%Y-%m-%d %H:%M'), strftime(max(lt), '%Y-%m-%d %H:%M'),
                   count(*) FILTER (kind = 'call'), count(*) FILTER (kind <> 'call') FROM ({sql})""", params).fetchone()
    facts.first, facts.last, facts.calls, facts.messages = first or "", last or "", calls, msgs
    return facts
