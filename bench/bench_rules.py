"""Check a generated audit data set with the `cn` pack on DuckDB, beside (a) one hand-written DuckDB
query computing the same findings and (b) a straightforward pandas implementation on a subset.

Sizes from env: BENCH_RULES_EVENTS (default 5,000,000; the issue's goal is 100,000,000 with
1,000,000 debtors in <= 60 s: below that size it is projected from this size and half of it, at
that size measured), BENCH_RULES_DEBTORS (default events / 100), BENCH_RULES_PANDAS_EVENTS
(default 1,000,000). All figures are wall-clock seconds on this machine, measured in this run.

The data set lives in a DuckDB database file in bench/out (deleted afterwards), as an auditor's
would: at 100 million events the tables do not fit in this machine's memory uncompressed.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import line, out_dir  # noqa: E402

import duckdb  # noqa: E402
import pyarrow.compute as pc  # noqa: E402

from dunwatch.rules import engine, load, synthetic  # noqa: E402
from dunwatch.rules.pack import Pack  # noqa: E402

N = int(os.environ.get("BENCH_RULES_EVENTS", "5000000"))
DEBTORS = int(os.environ.get("BENCH_RULES_DEBTORS", str(max(100, N // 100))))
N_PANDAS = min(N, int(os.environ.get("BENCH_RULES_PANDAS_EVENTS", "1000000")))
TZ = "Asia/Shanghai"
# The rules the hand-written query and the pandas version implement: the counting rules, which
# read every event (the text rules read only the few labelled events).
COUNTING = ("cn.call_frequency", "cn.call_attempts", "cn.quiet_hours", "cn.quiet_hours_advisory", "cn.bombardment")

# (a) One hand-written DuckDB query for the counting rules: a person who knows DuckDB, writing the
# findings of these five rules directly (native time-zone conversion, one pass per grouping).
HAND = f"""
WITH p AS (SELECT party, role, org FROM dw_parties),
e AS (
  SELECT e.id, e.kind, e.status, e.dst, d.party AS debtor, coalesce(nullif(s.org, ''), 'debt:' || e.debt) AS creditor,
         timezone('{TZ}', to_timestamp(e.at_s)) AS lt
  FROM dw_events e JOIN p s ON s.party = e.src AND s.role IN ('collector', 'lender')
  JOIN p d ON d.party = e.dst AND d.role = 'debtor'),
l AS (SELECT *, CAST(lt AS DATE) AS day, hour(lt) AS h,
             CAST(lt - INTERVAL 22 HOUR AS DATE) AS night22, CAST(lt - INTERVAL 21 HOUR AS DATE) AS night21 FROM e)
SELECT 'cn.call_frequency' AS rule, debtor, creditor, day, count(*) AS n, list(id ORDER BY id) AS ids FROM l
  WHERE kind = 'call' AND status = 'answered' GROUP BY ALL HAVING count(*) > 3
UNION ALL
SELECT 'cn.call_attempts', debtor, creditor, day, count(*), list(id ORDER BY id) FROM l
  WHERE kind = 'call' AND status IN ('missed', 'rejected', 'voicemail', 'failed') GROUP BY ALL HAVING count(*) > 6
UNION ALL
SELECT 'cn.quiet_hours', debtor, creditor, night22, count(*), list(id ORDER BY id) FROM l
  WHERE kind IN ('call', 'sms', 'mms', 'chat', 'voicemail', 'visit') AND (h >= 22 OR h < 8) GROUP BY ALL
UNION ALL
SELECT 'cn.quiet_hours_advisory', debtor, creditor, night21, count(*), list(id ORDER BY id) FROM l
  WHERE kind IN ('call', 'sms', 'mms', 'chat', 'voicemail', 'visit') AND h = 21 GROUP BY ALL
UNION ALL
SELECT 'cn.bombardment', debtor, '', day, count(*), list(id ORDER BY id) FROM l
  WHERE kind IN ('call', 'sms', 'mms', 'chat', 'voicemail') GROUP BY debtor, day HAVING count(*) > 10"""


def _tally(table) -> Counter:
    """Findings and the event ids they cite, per rule, from a result with `rule` and `ids` columns
    (counted in Arrow: at 100M events the findings cite tens of millions of ids)."""
    out: Counter = Counter()
    lengths = pc.list_value_length(table.column("ids")).fill_null(0)
    for rule in pc.unique(table.column("rule")).to_pylist():
        mask = pc.equal(table.column("rule"), rule)
        out[rule] += pc.sum(mask.cast("int64")).as_py()
        out[rule + " ids"] += pc.sum(pc.filter(lengths, mask)).as_py() or 0
    return out


def engine_run(con, pack: Pack) -> tuple[float, Counter]:
    """The engine's own path: prepare, then each rule's query with its findings fetched as Arrow.
    Each rule's findings are counted and let go before the next, as a caller writing them out would."""
    eng = engine.DuckDBEngine(con)
    counts: Counter = Counter()
    seconds = 0.0
    t0 = time.perf_counter()
    engine.prepare(eng, pack, TZ)
    seconds += time.perf_counter() - t0
    for rule in pack.rules:
        t0 = time.perf_counter()
        table = eng.arrow(engine.rule_sql(rule))
        seconds += time.perf_counter() - t0
        counts.update(_tally(table))
        del table
    for name in engine.PREPARED:
        eng.drop(name)
    return seconds, counts


def hand_run(con) -> tuple[float, Counter]:
    """The hand-written query, its findings fetched as Arrow like the engine's: selecting only the
    rule column would let DuckDB skip building the id lists, which the findings need."""
    t0 = time.perf_counter()
    table = con.sql(HAND).to_arrow_table()
    return time.perf_counter() - t0, _tally(table)


def pandas_run(con, n: int) -> tuple[float, Counter]:
    """(b) A straightforward pandas version of the counting rules on the first n events."""
    import pandas as pd

    ev = con.execute(f"SELECT * FROM dw_events WHERE CAST(substr(id, 2) AS BIGINT) < {n}").df()
    parties = con.execute("SELECT party, role, org FROM dw_parties").df()
    t0 = time.perf_counter()
    src = parties.rename(columns={"party": "src", "role": "src_role", "org": "src_org"})
    dst = parties.rename(columns={"party": "dst", "role": "dst_role", "org": "dst_org"})
    df = ev.merge(src, on="src", how="left").merge(dst[["dst", "dst_role"]], on="dst", how="left")
    df = df[df.src_role.isin(["collector", "lender"]) & (df.dst_role == "debtor")].copy()
    local = pd.to_datetime(df.at_s, unit="s", utc=True).dt.tz_convert(TZ)
    df["day"] = local.dt.date
    df["h"] = local.dt.hour
    df["night22"] = (local - pd.Timedelta(hours=22)).dt.date
    df["night21"] = (local - pd.Timedelta(hours=21)).dt.date
    df["creditor"] = df.src_org.where(df.src_org != "", "debt:" + df.debt)
    counts: Counter = Counter()
    comm = df.kind.isin(["call", "sms", "mms", "chat", "voicemail", "visit"])

    def groups(mask, keys, limit, rule):
        g = df[mask].groupby(keys).id.agg(list)
        over = g[g.str.len() > limit]
        counts[rule] = len(over)
        counts[rule + " ids"] = int(over.str.len().sum())

    groups((df.kind == "call") & (df.status == "answered"), ["dst", "creditor", "day"], 3, "cn.call_frequency")
    groups((df.kind == "call") & df.status.isin(["missed", "rejected", "voicemail", "failed"]), ["dst", "creditor", "day"], 6,
           "cn.call_attempts")
    groups(comm & ((df.h >= 22) | (df.h < 8)), ["dst", "creditor", "night22"], 0, "cn.quiet_hours")
    groups(comm & (df.h == 21), ["dst", "creditor", "night21"], 0, "cn.quiet_hours_advisory")
    groups(comm & (df.kind != "visit"), ["dst", "day"], 10, "cn.bombardment")
    return time.perf_counter() - t0, counts


GOAL = 100_000_000


def database(events: int) -> Path:
    path = out_dir() / f"rules-{events}.duckdb"
    path.unlink(missing_ok=True)
    return path


def generated(events: int, debtors: int):
    """A connection to a new database file holding the generated data set, opened afresh after
    it is written, as an auditor opens theirs."""
    db = database(events)
    with duckdb.connect(str(db)) as con:
        synthetic.generate(con, events=events, debtors=debtors)
        con.execute("CHECKPOINT")
    return db, duckdb.connect(str(db))


def main() -> None:
    t0 = time.perf_counter()
    db, con = generated(N, DEBTORS)
    print(f"generated {N:,} events, {DEBTORS:,} debtors in {time.perf_counter() - t0:.1f} s "
          f"({os.cpu_count()} CPUs; goal in the issue: 100,000,000 events in <= 60 s)", flush=True)
    try:
        run(con)
    finally:
        con.close()
        db.unlink(missing_ok=True)


def run(con) -> None:
    cn = load("cn")
    counting = Pack(cn.id, cn.title, cn.default_tz, cn.source, tuple(r for r in cn.rules if r.id in COUNTING))

    full_s, full = engine_run(con, cn)
    line("cn pack, all rules, engine: seconds", full_s, "s")
    line("cn pack, all rules: events per second", N / full_s, "ev/s")
    per_rule = ", ".join(f"{k.split('.', 1)[1]} {v:,}" for k, v in full.items() if not k.endswith(" ids"))
    print(f"  findings: {sum(v for k, v in full.items() if not k.endswith(' ids')):,} ({per_rule})")
    if N >= GOAL:
        line(f"cn pack, all rules, {N:,} events (measured)", full_s, "s", target="<= 60 s at 100,000,000")
    elif N > 0:
        # The engine's joins slow down as the data grows (bigger hash tables), so a linear projection
        # flatters it (10M: 11 s, 20M: 26-29 s here). Half the size, generated and checked the same
        # way, gives the growth; below 1 (fixed costs at small sizes) it would flatter too, so the
        # projection uses at least linear growth.
        half_db, half = generated(N // 2, max(100, DEBTORS // 2))
        half_s, _ = engine_run(half, cn)
        half.close()
        half_db.unlink(missing_ok=True)
        growth = max(1.0, math.log(full_s / half_s, 2))
        line(f"cn pack, all rules, {N // 2:,} events", half_s, "s")
        line(f"projected to 100M events (time ~ events^{growth:.2f})", full_s * (GOAL / N) ** growth, "s",
             target="<= 60 s")

    sub_s, sub = engine_run(con, counting)
    hand_s, hand = hand_run(con)
    line("counting rules: engine (portable SQL)", sub_s, "s", hand_s, "hand-written DuckDB query", target="<= 1.5x")
    print(f"  same findings and cited events per rule as the hand-written query: {dict(sub) == dict(hand)}"
          + ("" if dict(sub) == dict(hand) else f"  engine {dict(sub)} hand {dict(hand)}"))

    pd_s, pd_counts = pandas_run(con, N_PANDAS)
    engine_per_event, pandas_per_event = sub_s / N, pd_s / N_PANDAS
    line(f"counting rules: pandas on {N_PANDAS:,} events", pd_s, "s")
    line("per event: engine vs pandas (microseconds)", engine_per_event * 1e6, "us", pandas_per_event * 1e6, "pandas",
         target="engine >= 20x faster")
    print(f"  engine is {pandas_per_event / engine_per_event:.1f}x faster per event than pandas")


if __name__ == "__main__":
    main()
