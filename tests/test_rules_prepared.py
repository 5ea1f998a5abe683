"""What the engine stores for a pack (engine.prepare: only the dw_ev columns its kinds read, and only
collector contacts to the debtor when every kind reads only those) never changes a finding.

Real DuckDB on the generated audit data set (dunwatch.rules.synthetic), checked in a zone with
daylight saving so local days are exercised.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pytest

from dunwatch.rules import engine, kinds, load, synthetic

TZ = "America/New_York"


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    synthetic.generate(c, events=6_000, debtors=60, seed=11, utc_offset_h=5)
    return c


@pytest.fixture(scope="module")
def everything():
    cn, us = load("cn"), load("us")
    return replace(cn, rules=cn.rules + us.rules)


def test_each_rule_alone_finds_what_it_finds_in_the_whole_pack(con, everything):
    whole = engine.evaluate(engine.DuckDBEngine(con), everything, TZ)
    for rule in everything.rules:
        alone = engine.evaluate(engine.DuckDBEngine(con), replace(everything, rules=(rule,)), TZ)
        assert alone == [r for r in whole if r.rule == rule.id], rule.id
        assert alone, f"{rule.id} found nothing in the generated data: the comparison would be vacuous"


def test_a_pack_of_counting_rules_stores_only_contacts_to_the_debtor(con, everything):
    counting = replace(everything, rules=tuple(r for r in everything.rules if kinds.KINDS[r.kind].debtor_only))
    assert {r.kind for r in counting.rules} == {"daily_count", "time_window"}
    eng = engine.DuckDBEngine(con)
    sizes = {}
    for name, pack in (("whole", everything), ("counting", counting)):
        engine.prepare(eng, pack, TZ)
        sizes[name] = con.execute("SELECT count(*), count(*) FILTER (WHERE coll AND to_debtor) FROM dw_ev").fetchone()
        columns = {c[0] for c in con.execute("DESCRIBE dw_ev").fetchall()}
        for table in engine.PREPARED:
            eng.drop(table)
    assert sizes["counting"][0] == sizes["counting"][1] == sizes["whole"][1] < sizes["whole"][0], sizes
    assert "third" not in columns and "dst_role" not in columns, columns  # the last one prepared: counting
    whole = engine.evaluate(eng, everything, TZ)
    assert engine.evaluate(eng, counting, TZ) == [r for r in whole if r.rule in {x.id for x in counting.rules}]
