"""The us pack on Regulation F's official worked examples (Supplement I to part 1006, research notes
intl-rules.md §2.6-2.7; weekday names match 2020) and on daylight-saving changes in America/New_York."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st
from rules_support import by_rule, make_case

from dunwatch.rules import check_case
from dunwatch.rules.prelude import offset_sql

TZ = "America/New_York"
CONSUMER, AGENCY, NEIGHBOUR = "+12125550100", "+18005550199", "+12125550177"
PARTIES = [(CONSUMER, "debtor", "", "", ""), (AGENCY, "collector", "", "ABC Collections", "")]


def at(day: str, hh="10:00") -> str:
    return datetime.fromisoformat(f"{day}T{hh}:00").replace(tzinfo=ZoneInfo(TZ)).isoformat()


def calls(spec, debt="card", to=CONSUMER):
    """spec: [(YYYY-MM-DD, status, how many)] -> call rows, 10:00, 10:05, ... local."""
    rows, n = [], 0
    for day, status, k in spec:
        for j in range(k):
            n += 1
            rows.append((f"{debt}-{day}-{n}", "call", AGENCY, to, at(day, f"10:{j * 5:02d}"),
                         "60" if status == "answered" else "0", status, "", debt))
    return rows


def regf(tmp_path, rows, parties=PARTIES):
    with make_case(tmp_path, rows, parties=parties, tz=TZ, jurisdiction="us") as case:
        return by_rule(check_case(case), "us.regf.call_frequency")


def test_example_i_1_i_seven_calls_in_seven_days_is_presumed_compliance(tmp_path):
    rows = calls([("2020-04-01", "voicemail", 1)] + [(f"2020-04-0{d}", "missed", 1) for d in range(2, 8)])
    assert regf(tmp_path, rows) == []


def test_example_ii_1_i_eight_calls_in_seven_days_is_presumed_violation(tmp_path):
    rows = calls([("2020-04-01", "voicemail", 1), ("2020-04-02", "missed", 2), ("2020-04-03", "missed", 2),
                  ("2020-04-06", "missed", 2), ("2020-04-07", "missed", 1)])
    found = regf(tmp_path, rows)
    assert len(found) == 1
    f = found[0]
    assert f["facts"]["prong"] == "A" and f["facts"]["count"] == 8 and f["facts"]["max_in_window"] == 8
    assert f["facts"]["debt"] == "card" and f["facts"]["person"] == CONSUMER
    assert f["window"] == {"start": "2020-04-01T00:00:00-04:00", "end": "2020-04-08T00:00:00-04:00"}
    assert len(f["events"]) == 8 and f["confidence"] == "H"


def test_example_i_2_i_concentrated_but_seven_is_still_compliance(tmp_path):
    assert regf(tmp_path, calls([("2020-04-01", "missed", 1), ("2020-04-03", "missed", 6)])) == []


def test_calls_that_do_not_connect_are_not_counted(tmp_path):
    # comment 14(b)(3)(ii): busy signal / number not in service = status "failed"
    assert regf(tmp_path, calls([("2020-04-01", "missed", 4), ("2020-04-02", "missed", 3),
                                 ("2020-04-03", "failed", 5)])) == []


def test_example_4_2_i_counting_is_per_debt(tmp_path):
    spread = [(f"2020-04-0{d}", "missed", 1) for d in range(1, 8)]
    rows = calls(spread, debt="medical") + calls(spread, debt="cardA") + calls(spread, debt="cardB")
    assert len(rows) == 21
    assert regf(tmp_path, rows) == []


def test_example_i_1_iii_third_party_is_its_own_person(tmp_path):
    seven = [(f"2020-10-{d:02d}", "missed", 1) for d in range(6, 13)]
    assert regf(tmp_path, calls(seven, to=NEIGHBOUR)) == []
    (tmp_path / "b").mkdir()
    found = regf(tmp_path / "b", calls(seven + [("2020-10-12", "missed", 1)], to=NEIGHBOUR))
    assert [f["facts"]["person"] for f in found] == [NEIGHBOUR]


def test_example_i_1_ii_consumer_initiated_conversation_starts_the_seven_days(tmp_path):
    conversation = ("conv", "call", CONSUMER, AGENCY, at("2020-08-13", "15:00"), "300", "answered", "", "card")
    assert regf(tmp_path, [conversation] + calls([("2020-08-20", "missed", 1)])) == []
    (tmp_path / "b").mkdir()
    found = regf(tmp_path / "b", [conversation] + calls([("2020-08-19", "missed", 1)]))
    assert [(f["facts"]["prong"], f["facts"]["conversation"], f["events"]) for f in found] == \
        [("B", "conv", ["conv", "card-2020-08-19-1"])]


def test_example_ii_1_ii_call_within_seven_days_after_a_conversation(tmp_path):
    base = calls([("2020-08-11", "missed", 1), ("2020-08-14", "answered", 1)])
    found = regf(tmp_path, base + calls([("2020-08-20", "missed", 1)], debt="card"))
    assert [f["facts"]["prong"] for f in found] == ["B"]
    assert found[0]["window"] == {"start": "2020-08-14T10:00:00-04:00", "end": "2020-08-21T00:00:00-04:00"}
    (tmp_path / "b").mkdir()
    assert regf(tmp_path / "b", base + calls([("2020-08-21", "missed", 1)])) == []


def test_inconvenient_time_uses_the_local_clock_across_the_dst_change(tmp_path):
    rows = [("e1", "call", AGENCY, CONSUMER, "2026-03-07T20:30:00-05:00", "0", "missed", "", ""),   # 20:30 EST
            ("e2", "call", AGENCY, CONSUMER, "2026-03-09T01:30:00Z", "0", "missed", "", ""),       # 21:30 EDT, 20:30 in EST
            ("e3", "call", AGENCY, CONSUMER, "2026-03-09T11:59:00Z", "0", "missed", "", ""),       # 07:59 EDT
            ("e4", "call", AGENCY, CONSUMER, "2026-03-09T12:00:00Z", "0", "missed", "", ""),       # 08:00 EDT
            ("e5", "sms", AGENCY, CONSUMER, "2026-03-10T21:00:00-04:00", "", "", "pay now", "")]  # exactly 21:00
    with make_case(tmp_path, rows, parties=PARTIES, tz=TZ, jurisdiction="us") as case:
        found = by_rule(check_case(case), "us.fdcpa.inconvenient_time")
    assert [f["events"] for f in found] == [["e2", "e3"], ["e5"]]
    assert found[0]["window"] == {"start": "2026-03-08T21:00:00-04:00", "end": "2026-03-09T08:00:00-04:00"}


def test_a_25_hour_local_day_is_one_day(tmp_path):
    # 2026-11-01 in New York: 01:00-02:00 happens twice; all four calls are on that local day.
    rows = [(f"c{i}", "call", AGENCY, CONSUMER, t, "60", "answered", "", "") for i, t in enumerate(
        ["2026-11-01T00:30:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00", "2026-11-01T23:30:00-05:00",
         "2026-11-02T00:30:00-05:00"])]
    with make_case(tmp_path, rows, parties=PARTIES, tz=TZ, jurisdiction="us") as case:
        found = by_rule(check_case(case, pack="cn"), "cn.call_frequency")
    assert [(f["facts"]["day"], f["events"]) for f in found] == [("2026-11-01", ["c0", "c1", "c2", "c3"])]
    assert found[0]["window"] == {"start": "2026-11-01T00:00:00-04:00", "end": "2026-11-02T00:00:00-05:00"}


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=946684800, max_value=2524608000),
       st.sampled_from(["America/New_York", "Europe/London", "Asia/Shanghai", "Asia/Kolkata", "Australia/Lord_Howe"]))
def test_the_offset_sql_matches_the_tz_database(at_s, tz):
    expr = offset_sql(tz, at_s - 400 * 86400, at_s + 400 * 86400, column="t")
    got = duckdb.connect().execute(f"SELECT {expr} FROM (SELECT CAST({at_s} AS BIGINT) AS t)").fetchone()[0]
    want = datetime.fromtimestamp(at_s, timezone.utc).astimezone(ZoneInfo(tz)).utcoffset().total_seconds()
    assert got == want
