"""The identical rule SQL on Apache Spark (local mode) gives the same findings as on DuckDB.

Real engines on both sides: DuckDB embedded and a local Spark session (needs Java 17+). The data set
is generated (dunwatch.rules.synthetic), spans the 2026 US daylight-saving change, and is checked in
America/New_York so local days and hours are exercised on both engines.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import duckdb
import pytest

from dunwatch.rules import engine, kinds, load, synthetic
from dunwatch.rules.findings import Context, format_rows

TZ = "America/New_York"
INPUTS = ("dw_events", "dw_parties", "dw_labels", "dw_costs")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("parity")
    con = duckdb.connect()
    synthetic.generate(con, events=6_000, debtors=60, seed=7, utc_offset_h=5)
    for name in INPUTS:
        con.execute(f"COPY {name} TO '{folder / name}.parquet' (FORMAT parquet)")
    return con, folder


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("dunwatch-parity")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").config("spark.sql.adaptive.enabled", "false")
               .config("spark.sql.session.timeZone", "UTC").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_finds_exactly_what_duckdb_finds(data, spark):
    con, folder = data
    for name in INPUTS:
        spark.read.parquet(str(folder / f"{name}.parquet")).createOrReplaceTempView(name)
    # cn and us together use every rule kind; one evaluation keeps the Spark session's work small.
    cn, us = load("cn"), load("us")
    pack = replace(cn, rules=cn.rules + us.rules)
    on_duckdb = engine.evaluate(engine.DuckDBEngine(con), pack, TZ)
    on_spark = engine.evaluate(engine.SparkEngine(spark), pack, TZ)

    # Not a vacuous comparison: every rule found something in the generated data.
    per_rule = Counter(r.rule for r in on_duckdb)
    assert set(per_rule) == {r.id for r in pack.rules}, per_rule
    assert on_spark == on_duckdb

    ctx = Context(tz=TZ, times=dict(con.execute("SELECT id, at_s FROM dw_events").fetchall()))
    assert format_rows(pack, ctx, on_spark) == format_rows(pack, ctx, on_duckdb)


def test_the_parity_packs_cover_every_kind():
    used = {r.kind for p in ("cn", "us") for r in load(p).rules}
    assert used == set(kinds.KINDS)
