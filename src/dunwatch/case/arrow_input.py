"""Hand Arrow data to one DuckDB query without keeping it alive for the whole transaction.

Why: inside a transaction DuckDB holds on to every Python object a query scanned until the
transaction ends. An import is one transaction, so staging a 2-million-message backup in 10,000-row
Arrow tables kept every one of them (about 360 bytes a row, over 1 GB at 1 GB of XML). A one-shot
record-batch stream is consumed by the query, and only its empty shell is kept.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import pyarrow as pa


@contextmanager
def scan_once(con, name: str, table: pa.Table) -> Iterator[None]:
    """Make `table` readable as `name` for one query that reads it once."""
    stream = pa.RecordBatchReader.from_batches(table.schema, iter(table.to_batches()))
    con.register(name, stream)
    try:
        yield
    finally:
        con.unregister(name)
