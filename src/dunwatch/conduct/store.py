"""Store the conduct labels and personal data of a case's text events (tables `labels` and `pii`).

`label_events(con, seq)` labels the text events that ledger entry `seq` wrote, tagging every row
with entry=seq, so the import's ledger entry covers them (case/catalog.py). Each distinct text is
classified once. The recipient's role, where the case knows it, corrects the text-only judgement
of `third_party_disclosure`: a message to the debtor discloses nothing to a third party; a message
about a debt to a contact does, even when its words do not say whose debt it is.
"""

from __future__ import annotations

import json

import duckdb

from dunwatch.conduct.classify import results
from dunwatch.conduct.labels import LAWFUL

DISCLOSURE = "third_party_disclosure"
RECIPIENT_DETECTOR = "parties:recipient_is_contact"
RECIPIENT_SCORE = 0.8


def label_events(con: duckdb.DuckDBPyConnection, seq: int) -> int:
    """Label the text events of ledger entry `seq`; returns the number of label rows written."""
    texts = [r[0] for r in con.execute(
        "SELECT DISTINCT text FROM events WHERE entry = ? AND text <> '' ORDER BY text", [seq]).fetchall()]
    if not texts:
        return 0
    import pyarrow as pa

    lab = {"text": [], "label": [], "score": [], "spans": [], "detector": []}
    found = {"text": [], "type": [], "start_pos": [], "end_pos": [], "detector": []}
    debt = {"text": [], "spans": []}
    for result in results(((text, text) for text in texts), with_debt=True):
        public = result.as_dict()
        for item in public["labels"]:
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
    tables = {
        "_conduct_labels": pa.table(lab, schema=pa.schema([("text", pa.string()), ("label", pa.string()), ("score", pa.float64()),
                                                          ("spans", pa.string()), ("detector", pa.string())])),
        "_conduct_pii": pa.table(found, schema=pa.schema([("text", pa.string()), ("type", pa.string()), ("start_pos", pa.int32()),
                                                         ("end_pos", pa.int32()), ("detector", pa.string())])),
        "_conduct_debt": pa.table(debt, schema=pa.schema([("text", pa.string()), ("spans", pa.string())])),
    }
    for name, table in tables.items():
        con.register(name, table)
    try:
        # The recipient's current role: by the number as written, else by its E.164 form.
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _conduct_events AS
               SELECT e.id, e.text, e.ord, coalesce((
                   SELECT p.role FROM parties p
                   WHERE p.party = e.to_party OR (p.party_e164 <> '' AND p.party_e164 = e.to_e164)
                   ORDER BY (p.party = e.to_party) DESC, p.entry DESC LIMIT 1), '') AS role
               FROM events e WHERE e.entry = ? AND e.text <> ''""", [seq])
        con.execute(
            f"""INSERT INTO labels
                SELECT e.id, l.label, l.score, l.spans, l.detector, ?
                FROM _conduct_events e JOIN _conduct_labels l ON l.text = e.text
                WHERE NOT (l.label = '{DISCLOSURE}' AND e.role = 'debtor')
                  AND NOT (l.label = '{LAWFUL}' AND e.role = 'contact'
                           AND e.text IN (SELECT text FROM _conduct_debt))
                ORDER BY e.ord, l.label""", [seq])
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
        con.execute("DROP TABLE _conduct_events")
    finally:
        for name in tables:
            con.unregister(name)
    return con.execute("SELECT count(*) FROM labels WHERE entry = ?", [seq]).fetchone()[0]
