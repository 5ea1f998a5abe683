"""Evaluate a pack's rules as relational queries on an engine: DuckDB (default) or Spark.

An engine only has to register the input relations (dw_events, dw_parties, dw_labels, dw_costs),
keep a named result (`materialize`) and run a query. The SQL is the same text on both.
"""

from __future__ import annotations

from dataclasses import dataclass

from dunwatch.rules import kinds, prelude
from dunwatch.rules.pack import Pack

@dataclass(frozen=True)
class Row:
    """One finding as the query returned it (see kinds.py for what each column means)."""

    rule: str
    debtor: str | None
    subject: str | None
    tag: str | None
    ref: str | None
    t0: int | None
    t1: int | None
    n: int
    x: int
    ids: tuple[str, ...]

    @classmethod
    def of(cls, values) -> "Row":
        d = dict(zip(kinds.COLUMNS, values))
        ids = list(d["ids"] or [])
        # DuckDB keeps NULLs in array_agg and Spark drops them: drop them here too.
        d["ids"] = tuple(sorted(i for i in ids if i is not None))
        d["n"], d["x"] = int(d["n"] or 0), int(d["x"] or 0)
        d["t0"] = None if d["t0"] is None else int(d["t0"])
        d["t1"] = None if d["t1"] is None else int(d["t1"])
        return cls(**d)


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, con):
        self.con = con

    def materialize(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def rows(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def arrow(self, sql: str):
        return self.con.sql(sql).to_arrow_table()

    def drop(self, name: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {name}")


class SparkEngine:
    name = "spark"

    def __init__(self, spark):
        self.spark = spark
        self._cached: dict[str, object] = {}

    def materialize(self, name: str, sql: str) -> None:
        df = self.spark.sql(sql).cache()
        df.createOrReplaceTempView(name)
        self._cached[name] = df

    def rows(self, sql: str) -> list[tuple]:
        return [tuple(r) for r in self.spark.sql(sql).collect()]

    def arrow(self, sql: str):
        return self.spark.sql(sql).toArrow()

    def drop(self, name: str) -> None:
        df = self._cached.pop(name, None)
        if df is not None:
            df.unpersist()
        self.spark.catalog.dropTempView(name)


PREPARED = ("dw_lab", "dw_ev", "dw_names", "dw_pairs")  # in the order they can be dropped


def prepare(engine, pack: Pack, tz: str) -> None:
    """Build dw_names, dw_ev and dw_lab from the registered inputs (dw_pairs, which the first two
    are built from, is dropped once they are)."""
    lo, hi = engine.rows("SELECT min(at_s), max(at_s) FROM dw_events")[0]
    engine.materialize("dw_pairs", prelude.pairs_sql())
    engine.materialize("dw_names", prelude.names_sql())
    used = [kinds.KINDS[r.kind] for r in pack.rules]
    # Only what the pack's kinds read is stored: at 10M events, all columns for every event cost more
    # than the five counting rules themselves.
    columns = set().union({"id"}, *(k.reads for k in used))
    debtor_only = all(k.debtor_only for k in used)
    engine.materialize("dw_ev", prelude.events_sql(prelude.offset_sql(tz, lo, hi), columns, debtor_only))
    engine.drop("dw_pairs")
    labelled = [r for r in pack.rules if r.kind == "labelled"]
    if labelled:
        engine.materialize("dw_lab", prelude.labelled_sql(sorted({k for r in labelled for k in r.params["also_kinds"]})))


def rule_sql(rule) -> str:
    return kinds.KINDS[rule.kind].sql(rule.id, rule.params)


def evaluate(engine, pack: Pack, tz: str) -> list[Row]:
    """All findings of the pack, as rows, in a stable order."""
    prepare(engine, pack, tz)
    try:
        # One query per rule: Spark runs one big UNION ALL of them slower than the parts.
        out = [Row.of(v) for rule in pack.rules for v in engine.rows(rule_sql(rule))]
    finally:
        for name in PREPARED:
            engine.drop(name)
    order = {r.id: i for i, r in enumerate(pack.rules)}
    out.sort(key=lambda r: (order[r.rule], r.debtor or "", r.t0 if r.t0 is not None else -1, r.subject or "",
                            r.tag or "", r.ref or "", r.ids))
    return out
