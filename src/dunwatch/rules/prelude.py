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


def events_sql(offset: str) -> str:
    """dw_ev: one row per event with its debtor, its creditor, who is collector-side, and local time.

    - collector-side (`coll`): the sender is attributed to a collector or lender, or the event names a
      debt and the sender is nobody known (not the debtor, a contact or an authority);
    - `debtor`: the debtor the event is to or from; for events to third parties, the debtor of the
      same debt, else the only debtor;
    - `creditor`: the sender's organisation, else "debt:<id>", else "" (counting per lender);
    - `third`: sent to someone who is not the debtor, not collector-side and not an authority.
    """
    return f"""
WITH p AS (SELECT party, min(role) AS role, min(org) AS org FROM dw_parties GROUP BY party),
one AS (SELECT CASE WHEN count(*) = 1 THEN min(party) END AS only_debtor FROM p WHERE role = 'debtor'),
e1 AS (
  SELECT e.id, e.kind, e.status, coalesce(e.duration, 0.0) AS duration, coalesce(e.debt, '') AS debt,
         coalesce(e.text, '') AS text, e.src, e.dst, e.at_s, e.at_s + {offset} AS loc_s,
         coalesce(sp.role, 'unknown') AS src_role, coalesce(sp.org, '') AS src_org, coalesce(dp.role, 'unknown') AS dst_role
  FROM dw_events e LEFT JOIN p sp ON sp.party = e.src LEFT JOIN p dp ON dp.party = e.dst),
dm AS (SELECT debt, min(dst) AS debtor FROM e1 WHERE dst_role = 'debtor' AND debt <> '' GROUP BY debt),
e2 AS (
  SELECT e1.*, dm.debtor AS debt_debtor, one.only_debtor,
         CASE WHEN dst_role = 'debtor' THEN dst WHEN src_role = 'debtor' THEN src
              ELSE coalesce(dm.debtor, one.only_debtor) END AS debtor,
         (src_role IN ('collector', 'lender') OR (e1.debt <> '' AND src_role = 'unknown')) AS coll,
         (dst_role IN ('collector', 'lender') OR (e1.debt <> '' AND dst_role = 'unknown' AND src_role = 'debtor')) AS dst_coll,
         CAST(floor(loc_s / {DAY}.0) AS BIGINT) AS day
  FROM e1 LEFT JOIN dm ON dm.debt = e1.debt CROSS JOIN one)
SELECT id, kind, status, duration, debt, text, src, dst, at_s, loc_s, day, loc_s - day * {DAY} AS tod, debtor,
       CASE WHEN src_org <> '' THEN src_org WHEN debt <> '' THEN 'debt:' || debt ELSE '' END AS creditor,
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
