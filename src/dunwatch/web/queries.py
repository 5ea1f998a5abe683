"""Read-only views of a case for the pages and the JSON endpoints (one query each)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from dunwatch.case import Case, catalog
from dunwatch.parties.numbers import normalize

MESSAGE_KINDS = ("sms", "mms", "chat", "voicemail", "email", "letter", "post")

# Each number's current role: the latest version among the parties written with that E.164 form.
_ROLES = """SELECT party_e164, arg_max(role, entry * 1000000000 + ord) AS role,
                   arg_max(name, entry * 1000000000 + ord) AS name, arg_max(org, entry * 1000000000 + ord) AS org,
                   arg_max(relation, entry * 1000000000 + ord) AS relation
            FROM parties GROUP BY party_e164"""


def summary(case: Case) -> dict:
    con = case.con
    q = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    return {
        "jurisdiction": case.jurisdiction,
        "tz": case.tz,
        "synthetic": bool(case.settings.get("synthetic", False)),
        "evidence": q("SELECT count(DISTINCT sha256) FROM evidence"),
        "events": q("SELECT count(*) FROM events"),
        "calls": q("SELECT count(*) FROM events WHERE kind = 'call'"),
        "messages": q(f"SELECT count(*) FROM events WHERE kind IN {MESSAGE_KINDS}"),
        "parties": q("SELECT count(*) FROM parties"),
        "collectors": q("SELECT count(*) FROM parties WHERE role = 'collector'"),
        "ledger": q("SELECT count(*) FROM ledger"),
        "first": q("SELECT min(\"at\") FROM events"),
        "last": q("SELECT max(\"at\") FROM events"),
    }


def evidence_files(case: Case) -> list[dict]:
    rows = case.con.execute(
        """SELECT v.sha256, v.size, v.name, v.reader, v.parent, l."at",
                  (SELECT count(*) FROM events e WHERE e.evidence = v.sha256) AS events
           FROM evidence v JOIN ledger l ON l.seq = v.entry ORDER BY v.entry, v.name""").fetchall()
    return [{"sha256": r[0], "size": r[1], "name": r[2], "reader": r[3], "parent": r[4], "at": r[5], "events": r[6]}
            for r in rows]


def debtor_number(case: Case) -> str:
    row = case.con.execute("SELECT party FROM parties WHERE role = 'debtor' ORDER BY entry, ord LIMIT 1").fetchone()
    return row[0] if row else ""


def parties(case: Case) -> list[dict]:
    """Known parties plus every number seen in events but never described (role unknown)."""
    rows = case.con.execute(
        f"""WITH seen AS (
              SELECT num, count(*) AS n, sum(CASE WHEN kind = 'call' THEN 1 ELSE 0 END) AS calls,
                     min("at") AS first, max("at") AS last
              FROM (SELECT from_e164 AS num, kind, "at" FROM events UNION ALL SELECT to_e164, kind, "at" FROM events)
              WHERE num <> '' GROUP BY num),
            known AS ({_ROLES})
            SELECT coalesce(k.party_e164, s.num) AS number, coalesce(k.role, 'unknown') AS role,
                   coalesce(k.name, '') AS name, coalesce(k.org, '') AS org, coalesce(k.relation, '') AS relation,
                   coalesce(s.n, 0) AS events, coalesce(s.calls, 0) AS calls, s.first, s.last
            FROM known k FULL OUTER JOIN seen s ON s.num = k.party_e164
            ORDER BY CASE coalesce(k.role, 'unknown') WHEN 'debtor' THEN 0 WHEN 'collector' THEN 1
                     WHEN 'unknown' THEN 2 ELSE 3 END, events DESC, number""").fetchall()
    cols = ("number", "role", "name", "org", "relation", "events", "calls", "first", "last")
    return [dict(zip(cols, r)) for r in rows]


# Each event's labels from its latest classification (a re-run replaces, not adds), as the rules read them.
LATEST_LABELS = "SELECT event_id, label FROM labels QUALIFY entry = max(entry) OVER (PARTITION BY event_id)"


def labels_in_case(case: Case) -> list[str]:
    return [r[0] for r in case.con.execute(f"SELECT DISTINCT label FROM ({LATEST_LABELS}) ORDER BY label").fetchall()]


@dataclass
class TimelineFilter:
    party: str = ""
    kind: str = ""
    label: str = ""
    finding: str = ""  # a rule id: events cited by that rule's current findings
    limit: int = 200
    offset: int = 0
    finding_events: list[str] | None = field(default=None, repr=False)


def timeline(case: Case, flt: TimelineFilter) -> tuple[int, list[dict]]:
    where, params = [], []
    if flt.party:
        e164 = normalize(flt.party, case.region)
        where.append("(e.from_party = ? OR e.to_party = ? OR e.from_e164 = ? OR e.to_e164 = ?)")
        params += [flt.party, flt.party, e164, e164]
    if flt.kind == "message":
        where.append(f"e.kind IN {MESSAGE_KINDS}")
    elif flt.kind:
        where.append("e.kind = ?")
        params.append(flt.kind)
    if flt.label:
        where.append(f"e.id IN (SELECT event_id FROM ({LATEST_LABELS}) WHERE label = ?)")
        params.append(flt.label)
    if flt.finding_events is not None:
        where.append("list_contains(?, e.id)")
        params.append(list(flt.finding_events))
    cond = ("WHERE " + " AND ".join(where)) if where else ""
    total = case.con.execute(f"SELECT count(*) FROM events e {cond}", params).fetchone()[0]
    rows = case.con.execute(
        f"""WITH roles AS ({_ROLES}),
                 names AS (SELECT sha256, any_value(name) AS name FROM evidence GROUP BY sha256),
                 lab AS (SELECT event_id, list(DISTINCT label ORDER BY label) AS labels FROM ({LATEST_LABELS}) GROUP BY event_id)
            SELECT e.id, e.kind, e.from_party, e.to_party, e."at", e.duration_s, e.status, e.text,
                   coalesce(rf.role, 'unknown'), coalesce(rt.role, 'unknown'),
                   coalesce(nullif(rf.org, ''), rf.name, ''), coalesce(nullif(rt.relation, ''), rt.name, ''),
                   n.name, e.locator, e.evidence, coalesce(lab.labels, [])
            FROM events e LEFT JOIN roles rf ON rf.party_e164 = e.from_e164
                 LEFT JOIN roles rt ON rt.party_e164 = e.to_e164
                 LEFT JOIN names n ON n.sha256 = e.evidence LEFT JOIN lab ON lab.event_id = e.id
            {cond} ORDER BY e.at_utc, e.entry, e.ord LIMIT ? OFFSET ?""",
        params + [flt.limit, flt.offset]).fetchall()
    cols = ("id", "kind", "from", "to", "at", "duration_s", "status", "text", "from_role", "to_role",
            "from_who", "to_who", "evidence_name", "locator", "evidence", "labels")
    return total, [dict(zip(cols, r)) for r in rows]


def chart_data(case: Case) -> dict:
    """Counts per local day and per local hour, in the debtor's time zone (which decides the rules)."""
    local = "(at_utc AT TIME ZONE 'UTC') AT TIME ZONE ?"
    cat = f"""CASE WHEN kind = 'call' AND status = 'answered' THEN 'answered'
                  WHEN kind = 'call' THEN 'unanswered' WHEN kind = 'visit' THEN 'visit' ELSE 'message' END"""
    days = case.con.execute(
        f"""SELECT strftime({local}, '%Y-%m-%d') AS day, {cat} AS c, count(*) FROM events
            GROUP BY day, c ORDER BY day""", [case.tz]).fetchall()
    hours = case.con.execute(
        f"SELECT hour({local}) AS h, {cat} AS c, count(*) FROM events GROUP BY h, c ORDER BY h", [case.tz]).fetchall()
    by_day: dict[str, dict[str, int]] = {}
    for day, c, n in days:
        by_day.setdefault(day, {})[c] = n
    by_hour: dict[int, dict[str, int]] = {h: {} for h in range(24)}
    for h, c, n in hours:
        by_hour[int(h)][c] = n
    return {"days": by_day, "hours": by_hour}


def finding_event_ids(findings: list[dict], rule: str) -> list[str]:
    ids: list[str] = []
    for f in findings:
        if f.get("rule") == rule:
            ids += [str(x) for x in f.get("events", [])]
    return ids


def events_by_id(case: Case, ids: list[str]) -> dict[str, dict]:
    if not ids:
        return {}
    rows = case.con.execute(
        """SELECT id, kind, from_party, to_party, "at", duration_s, status, text FROM events
           WHERE list_contains(?, id)""", [list(ids)]).fetchall()
    cols = ("id", "kind", "from", "to", "at", "duration_s", "status", "text")
    return {r[0]: dict(zip(cols, r)) for r in rows}


def ledger_tail(case: Case, n: int = 10) -> list[dict]:
    rows = case.con.execute('SELECT seq, "at", action, inputs FROM ledger ORDER BY seq DESC LIMIT ?', [n]).fetchall()
    out = []
    for seq, at, action, inputs in rows:
        try:
            values = json.loads(inputs)
        except ValueError:
            values = {}
        values = values if isinstance(values, dict) else {}
        what = values.get("name") if action == "import" else " ".join(
            str(values[k]) for k in ("party", "role") if values.get(k))
        out.append({"seq": seq, "at": at, "action": action, "name": what or ""})
    return out


ROLES = catalog.PARTY_ROLES
KINDS = catalog.EVENT_KINDS
