"""EventBatch rows go straight into `events` (ingest/staging.py): repeats are left out before they
are written (deleting them afterwards cost seconds at COMMIT), wherever they fall."""

from datetime import datetime

from dunwatch.case import Case
from dunwatch.ingest.base import STAGE_DDL, Sink
from dunwatch.ingest.staging import EventBatch

MS = 1_700_000_000_000


def _stage(case, seq: int, evidence: str, rows: list[dict], size: int) -> list[tuple]:
    """Stage rows through an EventBatch of `size` rows a batch as entry `seq`; the events it wrote."""
    for ddl in STAGE_DDL:
        case.con.execute(ddl)
    sink = Sink(case.con, case.path, evidence, case.tz, case.region, lambda *a: "", entry=seq)
    batch = EventBatch(sink, ("n",), size=size)
    for i, row in enumerate(rows, 1):
        batch.add("sms", row["from"], "", f"sms[{i}]", at_ms=row.get("ms"), at_local=row.get("local"),
                  status="received", text=row["text"], raw=(str(i),))
    batch.close()
    return case.con.execute("SELECT locator, from_e164, \"at\" FROM events WHERE entry = ? ORDER BY ord", [seq]).fetchall()


def test_repeats_are_kept_once_at_their_first_place_across_batches_and_imports(case_dir):
    first = [
        {"from": "+8617100000011", "ms": MS, "text": "还钱"},
        {"from": "+8617100000011", "ms": MS + 1000, "text": "还钱"},
        {"from": "17100000011", "ms": MS, "text": "还钱"},  # sms[1] again in its batch, the number written nationally
        {"from": "+8617100000011", "ms": MS + 5 * 86_400_000, "text": "还钱"},  # five days later: not a repeat
        {"from": "+8617100000011", "ms": MS + 1000, "text": "还钱"},  # sms[2] again, a batch later
        {"from": "+8617100000022", "local": datetime(2026, 3, 5, 10, 15), "text": "通知"},
        {"from": "+8617100000022", "local": datetime(2026, 3, 5, 10, 15), "text": "通知"},  # a carrier bill's time, again
    ]
    with Case.open(case_dir) as case, case.transaction():
        seq = case.next_seq()
        written = _stage(case, seq, "a" * 64, first, size=3)
        # A later export repeating two of them (and one new): only the new one is written.
        again = _stage(case, seq + 1, "b" * 64, [first[3], {**first[0], "ms": MS + 60_000}, first[5]], size=2)
    assert [loc for loc, _, _ in written] == ["sms[1]", "sms[2]", "sms[4]", "sms[6]"]
    assert written[3][2] == "2026-03-05T10:15:00+08:00"
    assert [loc for loc, _, _ in again] == ["sms[2]"]


def test_rows_of_one_batch_that_share_a_time_are_told_apart_by_their_whole_content(case_dir):
    # staging compares whole rows only where their times repeat (a group message, a message backed
    # up twice); rows with the same time and another sender or text are events of their own.
    rows = [
        {"from": "+8617100000011", "ms": MS, "text": "还钱"},
        {"from": "+8617100000022", "ms": MS, "text": "还钱"},  # the same time, another sender
        {"from": "+8617100000011", "ms": MS, "text": "马上还钱"},  # the same time, another text
        {"from": "17100000011", "ms": MS, "text": "还钱"},  # sms[1] again
        {"from": "+8617100000033", "ms": MS + 1000, "text": "还钱"},
        {"from": "+8617100000011", "ms": MS, "text": "马上还钱"},  # sms[3] again
    ]
    local = [
        {"from": "+8617100000044", "local": datetime(2026, 3, 5, 10, 15), "text": "通知"},
        {"from": "+8617100000055", "local": datetime(2026, 3, 5, 10, 15), "text": "通知"},
        {"from": "+8617100000044", "local": datetime(2026, 3, 5, 10, 15), "text": "通知"},  # sms[1] again
    ]
    with Case.open(case_dir) as case, case.transaction():
        seq = case.next_seq()
        written = _stage(case, seq, "a" * 64, rows, size=len(rows))
        in_local_time = _stage(case, seq + 1, "b" * 64, local, size=len(local))
    assert [loc for loc, _, _ in written] == ["sms[1]", "sms[2]", "sms[3]", "sms[5]"]
    assert [loc for loc, _, _ in in_local_time] == ["sms[1]", "sms[2]"]
