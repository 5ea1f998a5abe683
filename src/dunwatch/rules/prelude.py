"""The prepared relations every rule reads, in SQL both engines accept.

Inputs (each engine registers them): dw_events(id, kind, src, dst, at_s, duration, status, debt, text),
dw_parties(party, role, org), dw_labels(event_id, label, score), dw_costs(debt, exceeded, ...).

Local time: the engines convert time zones with different functions, so the UTC offset is computed
here from the tz database for the span of the data and written into the SQL as a CASE over its
transitions. Both engines then do the same integer arithmetic, daylight saving included.
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from dunwatch.case.catalog import CALL_STATUSES, EVENT_KINDS

DAY = 86400
# dw_ev holds an event's kind and call status as small numbers (0: none or unknown): every counting
# rule filters on them, and at 10M events comparing the strings cost 8x more than the numbers.
KIND_CODES = {k: i + 1 for i, k in enumerate(EVENT_KINDS)}
STATUS_CODES = {s: i + 1 for i, s in enumerate(CALL_STATUSES)}


def _encode(column: str, codes: dict[str, int]) -> str:
    return f"CASE {column} " + " ".join(f"WHEN '{v}' THEN {c}" for v, c in codes.items()) + " ELSE 0 END"


def kinds_in(kinds) -> str:
    """The dw_ev filter for events of these kinds (names from EVENT_KINDS)."""
    return f"kind IN ({', '.join(str(KIND_CODES[k]) for k in kinds)})"


def statuses_in(statuses) -> str:
    """The dw_ev filter for calls with these statuses (names from CALL_STATUSES)."""
    return f"status IN ({', '.join(str(STATUS_CODES[s]) for s in statuses)})"


def kind_name(column: str = "kind") -> str:
    """The kind's name back from its number, for the few rows a finding shows it on."""
    return f"CASE {column} " + " ".join(f"WHEN {c} THEN '{k}'" for k, c in KIND_CODES.items()) + " END"


def _offset(zone: ZoneInfo, at_s: int) -> int:
    return int(datetime.fromtimestamp(at_s, timezone.utc).astimezone(zone).utcoffset().total_seconds())


def transitions(tz: str, lo: int, hi: int) -> tuple[int, list[tuple[int, int]]]:
    """The offset at `lo` and every (instant, new offset) change up to `hi` (epoch seconds)."""
    zone = ZoneInfo(tz)
    lo, hi = lo - DAY, hi + DAY
    first = _offset(zone, lo)
    changes: list[tuple[int, int]] = []
    prev_t, prev_o = lo, first
    step = DAY // 2  # zones change offset at most once in half a day
    t = lo
    while t < hi:
        t = min(t + step, hi)
        o = _offset(zone, t)
        if o != prev_o:
            a, b = prev_t, t  # offset(a) == prev_o, offset(b) == o: find the first second of o
            while b - a > 1:
                mid = (a + b) // 2
                if _offset(zone, mid) == prev_o:
                    a = mid
                else:
                    b = mid
            changes.append((b, o))
            prev_o = o
        prev_t = t
    return first, changes


def offset_sql(tz: str, lo: int | None, hi: int | None, column: str = "e.at_s") -> str:
    if lo is None or hi is None:
        return "0"
    first, changes = transitions(tz, int(lo), int(hi))
    if not changes:
        return str(first)
    arms = []
    current = first
    for at, new in changes:
        arms.append(f"WHEN {column} < {at} THEN {current}")
        current = new
    return f"(CASE {' '.join(arms)} ELSE {current} END)"


def pairs_sql() -> str:
    """dw_pairs(debt, dst): each distinct debt ("" for none) and recipient. The names and the debtor
    of each debt are found from these instead of from every event: one pass over the events, not
    three (a debt's events go to few people)."""
    return "SELECT DISTINCT coalesce(debt, '') AS debt, dst FROM dw_events"


def names_sql() -> str:
    """dw_names(v, k, debt_creditor): every string the rules group or join by (party numbers,
    organisations, debts, the per-debt creditor "debt:<id>", and the empty string) interned as a
    number k in string order; for a debt, debt_creditor is the number of its "debt:<id>".

    Why: building and grouping a hundred million rows of phone-number strings costs several times more
    than the same work on integers, so dw_ev holds these numbers and each kind turns the few rows it
    returns back into strings (kinds.named). Numbering in string order keeps min/max meaning the same.
    debt_creditor is looked up here, once per name, so that no engine builds "debt:<id>" per event.
    """
    return """
WITH d AS (SELECT DISTINCT debt FROM dw_pairs),
s AS (SELECT v, row_number() OVER (ORDER BY v) AS k FROM (
  SELECT party AS v FROM dw_parties
  UNION SELECT org FROM dw_parties WHERE org IS NOT NULL
  UNION SELECT dst FROM dw_pairs WHERE dst IS NOT NULL
  UNION SELECT debt FROM d
  UNION SELECT 'debt:' || debt FROM d WHERE debt <> ''
  UNION SELECT '') u)
SELECT s.v, s.k, c.k AS debt_creditor FROM s LEFT JOIN s c ON c.v = 'debt:' || s.v AND s.v <> ''"""


# dw_ev's columns, as expressions over e2 in events_sql. A pack's kinds name the ones they read
# (kinds.Kind.reads), and only those are stored.
EV_COLUMNS = {
    "id": "id", "kind": "kind", "status": "status", "duration": "duration", "debt": "debt", "dst": "dst",
    "at_s": "at_s", "loc_s": "loc_s", "day": "day", "tod": f"loc_s - day * {DAY}", "debtor": "debtor",
    "creditor": "coalesce(src_org, CASE WHEN has_debt THEN debt_creditor ELSE blank END)",
    "coll": "coll", "dst_coll": "dst_coll", "dst_role": "dst_role",
    "to_debtor": "coalesce(dst = debtor, FALSE)", "from_debtor": "coalesce(src = debtor, FALSE)",
    "third": "coalesce(dst <> debtor AND NOT dst_coll AND dst_role NOT IN ('authority', 'debtor'), FALSE)",
}


def events_sql(offset: str, columns=EV_COLUMNS, debtor_only: bool = False) -> str:
    """dw_ev: one row per event with its debtor, its creditor, who is collector-side, and local time.

    Party numbers, debts and creditors are dw_names numbers (see names_sql); texts stay in dw_events.
    - collector-side (`coll`): the sender is attributed to a collector or lender, or the event names a
      debt and the sender is nobody known (not the debtor, a contact or an authority);
    - `debtor`: the debtor the event is to or from; for events to third parties, the debtor of the
      same debt, else the only debtor;
    - `creditor`: the sender's organisation, else "debt:<id>", else "" (counting per lender);
    - `third`: sent to someone who is not the debtor, not collector-side and not an authority.

    Only `columns` (names from EV_COLUMNS) are stored. With `debtor_only`, only collector-side events
    to the debtor are: all a pack of counting rules reads, and then the debtor is the recipient, so
    the pass that finds the debtor of each debt (for events to third parties) is skipped.
    """
    unknown = sorted(set(columns) - set(EV_COLUMNS))
    if unknown:
        raise ValueError(f"no such dw_ev column: {unknown}")
    select = ", ".join(c if EV_COLUMNS[c] == c else f"{EV_COLUMNS[c]} AS {c}" for c in EV_COLUMNS if c in columns)
    if debtor_only:
        # A recipient whose role is debtor is the event's debtor (see `debtor` in e2).
        dm, debt_debtor, dm_join = "", "CAST(NULL AS BIGINT)", ""
        dst_join, where = "JOIN pk dp ON dp.party = e.dst AND dp.role = 'debtor'", "WHERE coll"
        only_debtor = "CAST(NULL AS BIGINT)"
    else:
        dm = """
dm AS (SELECT e.debt, min(pk.k) AS debtor
       FROM dw_pairs e JOIN pk ON pk.party = e.dst WHERE pk.role = 'debtor' AND e.debt <> '' GROUP BY e.debt),"""
        debt_debtor, dm_join = "dm.debtor", " LEFT JOIN dm ON dm.debt = n.v"
        dst_join, where = "LEFT JOIN pk dp ON dp.party = e.dst", ""
        only_debtor = ("(SELECT CASE WHEN count(*) = 1 THEN min(k) END FROM p JOIN dw_names ON v = party "
                       "WHERE role = 'debtor')")
    # Every CTE over all events is read once, so the engines stream it instead of storing it
    # (the debtor of each debt is found from dw_pairs and the parties, not from e1).
    # An event's debt is always among dw_names (names_sql), which also holds its creditor's number;
    # dk holds just the debts, with their debtor, so each event is joined once for all three
    # (at 100M events, every join on a string column costs seconds).
    return f"""
WITH p AS (SELECT party, min(role) AS role, min(org) AS org FROM dw_parties GROUP BY party),
pk AS (SELECT n.v AS party, n.k, coalesce(p.role, 'unknown') AS role, o.k AS org
       FROM dw_names n LEFT JOIN p ON p.party = n.v LEFT JOIN dw_names o ON o.v = p.org AND p.org <> ''),{dm}
dk AS (SELECT n.v, n.k, n.debt_creditor, {debt_debtor} AS debt_debtor
       FROM dw_names n{dm_join} WHERE n.debt_creditor IS NOT NULL OR n.v = ''),
one AS (SELECT (SELECT k FROM dw_names WHERE v = '') AS blank, {only_debtor} AS only_debtor),
e1 AS (
  SELECT e.id, {_encode("e.kind", KIND_CODES)} AS kind, {_encode("e.status", STATUS_CODES)} AS status, coalesce(e.duration, 0.0) AS duration, dk.k AS debt, dk.debt_creditor,
         dk.v <> '' AS has_debt, dk.debt_debtor, e.at_s, e.at_s + {offset} AS loc_s, sp.k AS src,
         dp.k AS dst, coalesce(sp.role, 'unknown') AS src_role, sp.org AS src_org, coalesce(dp.role, 'unknown') AS dst_role
  FROM dw_events e JOIN dk ON dk.v = coalesce(e.debt, '')
  LEFT JOIN pk sp ON sp.party = e.src {dst_join}),
e2 AS (
  SELECT e1.*, one.blank,
         CASE WHEN dst_role = 'debtor' THEN dst WHEN src_role = 'debtor' THEN src
              ELSE coalesce(debt_debtor, one.only_debtor) END AS debtor,
         (src_role IN ('collector', 'lender') OR (has_debt AND src_role = 'unknown')) AS coll,
         (dst_role IN ('collector', 'lender') OR (has_debt AND dst_role = 'unknown' AND src_role = 'debtor')) AS dst_coll,
         CAST(floor(loc_s / {DAY}.0) AS BIGINT) AS day
  FROM e1 CROSS JOIN one)
SELECT {select}
FROM e2 {where}"""


def labelled_sql(also_kinds: list[str]) -> str:
    """dw_lab: the few events the text rules look at (labelled ones, and the kinds some rule takes
    whole, such as visits and public posts), so those rules do not each scan every event."""
    extra = ""
    if also_kinds:
        extra = f"""
UNION ALL
SELECT e.*, {kind_name("e.kind")} AS kind_name, CAST(NULL AS STRING) AS label, CAST(NULL AS DOUBLE) AS score
FROM dw_ev e WHERE e.{kinds_in(also_kinds)}"""
    return f"""
SELECT e.*, {kind_name("e.kind")} AS kind_name, l.label, l.score
FROM dw_ev e JOIN (SELECT event_id, label, max(score) AS score FROM dw_labels GROUP BY event_id, label) l
  ON l.event_id = e.id{extra}"""
