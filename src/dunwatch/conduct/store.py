"""Store the conduct labels and personal data of a case's text events (tables `labels` and `pii`).

`label_events(con, seq)` labels the text events that ledger entry `seq` wrote, tagging every row
with entry=seq, so the import's ledger entry covers them (case/catalog.py). Each distinct text is
classified once. The recipient's role, where the case knows it, corrects the text-only judgement
of `third_party_disclosure`: a message to the debtor discloses nothing to a third party; a message
about a debt to a contact does, even when its words do not say whose debt it is.
"""

from __future__ import annotations

import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Callable

import pyarrow as pa

from dunwatch.case.arrow_input import scan_once
from dunwatch.conduct.classify import results
from dunwatch.conduct.labels import LAWFUL
from dunwatch.process import map_ordered

if TYPE_CHECKING:  # not imported: a worker process (dunwatch/process.py) runs _classified without a case
    import duckdb

DISCLOSURE = "third_party_disclosure"
RECIPIENT_DETECTOR = "parties:recipient_is_contact"
RECIPIENT_SCORE = 0.8


# Distinct texts classified, and their results stored, at a time. A backup's texts are mostly
# distinct (amounts, codes, names): holding every result in Python took 270 MB more for 200,000
# messages, so memory grew with the file; per chunk it stays flat, and DuckDB keeps the results
# (20,000 a time: 354 MB at that size; 5,000: 323 MB, and 80 MB less in each worker process).
CHUNK = 5_000
PARALLEL_FROM = 60_000  # distinct texts: below, labelling takes a few seconds, not worth a process
_RESULTS = {
    "_conduct_labels": pa.schema([("text", pa.string()), ("label", pa.string()), ("score", pa.float64()),
                                  ("spans", pa.string()), ("detector", pa.string())]),
    "_conduct_pii": pa.schema([("text", pa.string()), ("type", pa.string()), ("start_pos", pa.int32()),
                               ("end_pos", pa.int32()), ("detector", pa.string())]),
    "_conduct_debt": pa.schema([("text", pa.string()), ("spans", pa.string())]),
}
_DUCK_TYPES = {pa.string(): "VARCHAR", pa.float64(): "DOUBLE", pa.int32(): "INTEGER"}


def _classified_meanwhile(chunks: list[list[str]], meanwhile: Callable[[], None]) -> list[dict[str, pa.Table]]:
    """The results of each chunk, classified on a thread while `meanwhile` runs on this one.

    Classifying is Python and holds the GIL; meanwhile (hashing 2 million events for the ledger)
    runs mostly inside DuckDB and hashlib, which release it, so the two share both cores: for the
    27,000 distinct texts of bench/bench_smsbackup.py, 6.2-6.7 s together against 8-9 s one after
    the other. Only below PARALLEL_FROM texts, where every chunk's results (Arrow tables, a few MB)
    can wait here until meanwhile is done."""
    stop = threading.Event()

    def classify() -> list[dict[str, pa.Table]]:
        done = []
        for texts in chunks:
            if stop.is_set():  # meanwhile failed: the import is rolling back
                break
            done.append(_classified(texts))
        return done

    with ThreadPoolExecutor(1, thread_name_prefix="dunwatch-classify") as pool:
        future = pool.submit(classify)
        try:
            meanwhile()
        except BaseException:
            stop.set()
            raise
        return future.result()


def _classified(texts: list[str]) -> dict[str, pa.Table]:
    """The results of `texts` as rows of the _RESULTS tables."""
    lab = {"text": [], "label": [], "score": [], "spans": [], "detector": []}
    found = {"text": [], "type": [], "start_pos": [], "end_pos": [], "detector": []}
    debt = {"text": [], "spans": []}
    for result in results(((text, text) for text in texts), with_debt=True):
        for item in result.as_dict()["labels"]:
            lab["text"].append(result.id)
            lab["label"].append(item["label"])
            lab["score"].append(float(item["score"]))
            lab["spans"].append(json.dumps(item["spans"]))
            lab["detector"].append(item["detector"])
        for f in result.pii:
            found["text"].append(result.id)
            found["type"].append(f.type)
            found["start_pos"].append(f.start)
            found["end_pos"].append(f.end)
            found["detector"].append(f.detector)
        if result.debt_spans:
            debt["text"].append(result.id)
            debt["spans"].append(json.dumps([list(s) for s in sorted(set(result.debt_spans))]))
    rows = dict(zip(_RESULTS, (lab, found, debt)))
    return {name: pa.table(rows[name], schema=schema) for name, schema in _RESULTS.items()}


def label_events(con: duckdb.DuckDBPyConnection, seq: int, meanwhile: Callable[[], None] | None = None) -> int:
    """Label the text events of ledger entry `seq`; returns the number of label rows written.

    `meanwhile` (if given) is run here, on this connection, while the texts are classified on a
    thread: the importer hashes the entry's events for the ledger then. It must not touch the
    labels; it always runs, once, whether or not there is anything to label."""
    con.execute("""CREATE OR REPLACE TEMP TABLE _conduct_texts AS
                   SELECT text, row_number() OVER (ORDER BY text) AS n
                   FROM (SELECT DISTINCT text FROM events WHERE entry = ? AND text <> '')""", [seq])
    total = con.execute("SELECT count(*) FROM _conduct_texts").fetchone()[0]
    if total:
        _write(con, seq, total, meanwhile)
    elif meanwhile:
        meanwhile()
    # Not in a `finally`: after an error the import's transaction is aborted and rolls these back;
    # a DROP there would fail and hide the error (an out-of-memory the importer retries).
    for name in ("_conduct_texts", *_RESULTS, "_conduct_events"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    return con.execute("SELECT count(*) FROM labels WHERE entry = ?", [seq]).fetchone()[0] if total else 0


def _write(con: duckdb.DuckDBPyConnection, seq: int, total: int, meanwhile: Callable[[], None] | None) -> None:
    """Classify the texts of _conduct_texts chunk by chunk, then write the labels and personal data
    of entry `seq`'s events."""
    for name, schema in _RESULTS.items():
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ("
                    + ", ".join(f"{f.name} {_DUCK_TYPES[f.type]}" for f in schema) + ")")
    chunks = ([r[0] for r in con.execute("SELECT text FROM _conduct_texts WHERE n >= ? AND n < ? ORDER BY n",
                                         [first, first + CHUNK]).fetchall()]
              for first in range(1, total + 1, CHUNK))
    # Classifying costs about 0.1 ms a text, most of a big import of real messages: from PARALLEL_FROM
    # texts on, child processes take chunks too (each loads the classifier: ~0.5 s and ~110 MB).
    workers = min(os.cpu_count() or 1, -(-total // CHUNK)) - 1 if total >= PARALLEL_FROM else 0
    if meanwhile and not workers:
        classified = _classified_meanwhile(list(chunks), meanwhile)
    else:
        if meanwhile:
            meanwhile()
        classified = map_ordered(_classified, chunks, workers)
    for tables in classified:
        for name, table in tables.items():
            with scan_once(con, "_conduct_chunk", table):
                con.execute(f"INSERT INTO {name} SELECT * FROM _conduct_chunk")
    # The recipient's current role: by the number as written, else by its E.164 form (the latest
    # party with that form). Two joins, not a subquery per event: that took 1 s for 2 million.
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _conduct_events AS
           SELECT e.id, e.text, e.ord, coalesce(w.role, n.role, '') AS role
           FROM events e
           LEFT JOIN (SELECT party, role FROM parties) w ON w.party = e.to_party
           LEFT JOIN (SELECT party_e164, arg_max(role, entry) AS role FROM parties WHERE party_e164 <> ''
                      GROUP BY party_e164) n ON n.party_e164 = e.to_e164
           WHERE e.entry = ? AND e.text <> ''""", [seq])
    # No ORDER BY: every reader of `labels` sorts or groups for itself, and sorting 2.8 million label
    # rows of a 2-million-message backup under the import's 64 MB cap took 3 of the import's seconds.
    con.execute(
        f"""INSERT INTO labels
            SELECT e.id, l.label, l.score, l.spans, l.detector, ?
            FROM _conduct_events e JOIN _conduct_labels l ON l.text = e.text
            WHERE NOT (l.label = '{DISCLOSURE}' AND e.role = 'debtor')
              AND NOT (l.label = '{LAWFUL}' AND e.role = 'contact'
                       AND e.text IN (SELECT text FROM _conduct_debt))""", [seq])
    con.execute(
        f"""INSERT INTO labels
            SELECT e.id, '{DISCLOSURE}', {RECIPIENT_SCORE}, d.spans, '{RECIPIENT_DETECTOR}', ?
            FROM _conduct_events e JOIN _conduct_debt d ON d.text = e.text
            WHERE e.role = 'contact' AND NOT EXISTS (
                SELECT 1 FROM _conduct_labels l WHERE l.text = e.text AND l.label = '{DISCLOSURE}')
            ORDER BY e.ord""", [seq])
    con.execute(
        """INSERT INTO pii
           SELECT e.id, p.type, p.start_pos, p.end_pos, p.detector, ?
           FROM _conduct_events e JOIN _conduct_pii p ON p.text = e.text
           ORDER BY e.ord, p.start_pos""", [seq])
