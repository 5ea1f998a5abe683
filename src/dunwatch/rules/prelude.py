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

DAY = 86400


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


def names_sql() -> str:
    """dw_names(v, k): every string the rules group or join by (party numbers, organisations, debts, the
    per-debt creditor "debt:<id>", and the empty string) interned as a number in string order.

    Why: building and grouping a hundred million rows of phone-number strings costs several times more
    than the same work on integers, so dw_ev holds these numbers and each kind turns the few rows it
    returns back into strings (kinds.named). Numbering in string order keeps min/max meaning the same.
    """
    return """
WITH d AS (SELECT DISTINCT coalesce(debt, '') AS debt FROM dw_events)
SELECT v, row_number() OVER (ORDER BY v) AS k FROM (
  SELECT party AS v FROM dw_parties
  UNION SELECT org FROM dw_parties WHERE org IS NOT NULL
  UNION SELECT dst FROM dw_events WHERE dst IS NOT NULL
  UNION SELECT debt FROM d
  UNION SELECT 'debt:' || debt FROM d WHERE debt <> ''
  UNION SELECT '') s"""


def events_sql(offset: str) -> str:
    """dw_ev: one row per event with its debtor, its creditor, who is collector-side, and local time.

    Party numbers, debts and creditors are dw_names numbers (see names_sql); texts stay in dw_events.
    - collector-side (`coll`): the sender is attributed to a collector or lender, or the event names a
      debt and the sender is nobody known (not the debtor, a contact or an authority);
    - `debtor`: the debtor the event is to or from; for events to third parties, the debtor of the
      same debt, else the only debtor;
    - `creditor`: the sender's organisation, else "debt:<id>", else "" (counting per lender);
    - `third`: sent to someone who is not the debtor, not collector-side and not an authority.
    """
    # Every CTE over all events is read once, so the engines stream it instead of storing it
    # (the debtor of each debt is found from the events and parties directly, not from e1).
    return f"""
WITH p AS (SELECT party, min(role) AS role, min(org) AS org FROM dw_parties GROUP BY party),
pk AS (SELECT n.v AS party, n.k, coalesce(p.role, 'unknown') AS role, o.k AS org
       FROM dw_names n LEFT JOIN p ON p.party = n.v LEFT JOIN dw_names o ON o.v = p.org AND p.org <> ''),
dm AS (SELECT e.debt, min(pk.k) AS debtor
       FROM dw_events e JOIN pk ON pk.party = e.dst WHERE pk.role = 'debtor' AND e.debt <> '' GROUP BY e.debt),
dk AS (SELECT d.debt, n.k, c.k AS creditor, dm.debtor
       FROM (SELECT DISTINCT coalesce(debt, '') AS debt FROM dw_events) d JOIN dw_names n ON n.v = d.debt
       LEFT JOIN dw_names c ON c.v = 'debt:' || d.debt AND d.debt <> '' LEFT JOIN dm ON dm.debt = d.debt),
one AS (SELECT (SELECT k FROM dw_names WHERE v = '') AS blank,
               (SELECT CASE WHEN count(*) = 1 THEN min(k) END FROM p JOIN dw_names ON v = party WHERE role = 'debtor')
               AS only_debtor),
e1 AS (
  SELECT e.id, e.kind, e.status, coalesce(e.duration, 0.0) AS duration, dk.k AS debt, dk.creditor AS debt_creditor,
         dk.debt <> '' AS has_debt, dk.debtor AS debt_debtor, e.at_s, e.at_s + {offset} AS loc_s, sp.k AS src, dp.k AS dst,
         coalesce(sp.role, 'unknown') AS src_role, sp.org AS src_org, coalesce(dp.role, 'unknown') AS dst_role
  FROM dw_events e JOIN dk ON dk.debt = coalesce(e.debt, '')
  LEFT JOIN pk sp ON sp.party = e.src LEFT JOIN pk dp ON dp.party = e.dst),
e2 AS (
  SELECT e1.*, one.blank,
         CASE WHEN dst_role = 'debtor' THEN dst WHEN src_role = 'debtor' THEN src
              ELSE coalesce(debt_debtor, one.only_debtor) END AS debtor,
         (src_role IN ('collector', 'lender') OR (has_debt AND src_role = 'unknown')) AS coll,
         (dst_role IN ('collector', 'lender') OR (has_debt AND dst_role = 'unknown' AND src_role = 'debtor')) AS dst_coll,
         CAST(floor(loc_s / {DAY}.0) AS BIGINT) AS day
  FROM e1 CROSS JOIN one)
SELECT id, kind, status, duration, debt, dst, at_s, loc_s, day, loc_s - day * {DAY} AS tod, debtor,
       coalesce(src_org, CASE WHEN has_debt THEN debt_creditor ELSE blank END) AS creditor,
       coll, dst_coll, dst_role,
       coalesce(dst = debtor, FALSE) AS to_debtor, coalesce(src = debtor, FALSE) AS from_debtor,
       coalesce(dst <> debtor AND NOT dst_coll AND dst_role NOT IN ('authority', 'debtor'), FALSE) AS third
FROM e2"""


def labelled_sql(also_kinds: list[str]) -> str:
    """dw_lab: the few events the text rules look at (labelled ones, and the kinds some rule takes
    whole, such as visits and public posts), so those rules do not each scan every event."""
    extra = ""
    if also_kinds:
        kinds = ", ".join(f"'{k}'" for k in also_kinds)
        extra = f"""
UNION ALL
SELECT e.*, CAST(NULL AS STRING) AS label, CAST(NULL AS DOUBLE) AS score FROM dw_ev e WHERE e.kind IN ({kinds})"""
    return f"""
SELECT e.*, l.label, l.score
FROM dw_ev e JOIN (SELECT event_id, label, max(score) AS score FROM dw_labels GROUP BY event_id, label) l
  ON l.event_id = e.id{extra}"""
