"""Readers for dunwatch's own interchange files, events.csv and parties.csv (docs/formats.md).

Recognised by their header row, whatever the file is called. Loaded by DuckDB's CSV reader,
so a million rows import in seconds; the interchange columns are kept as written.
"""

from __future__ import annotations

from pathlib import Path

from dunwatch.i18n import t
from dunwatch.ingest.base import Reader, Sink
from dunwatch.interchange import EVENTS_COLUMNS, PARTIES_COLUMNS
from dunwatch.interchange import csvfile


class _InterchangeCsv(Reader):
    columns: tuple[str, ...]
    extensions = (".csv",)
    source = "docs/formats.md (dunwatch interchange format 1.0)"

    def sniff(self, path: Path, head: bytes) -> bool:
        # Most of the columns is enough to claim the file: a missing or misspelt column then gets
        # a precise "wrong columns" error instead of "unrecognised format".
        header = csvfile.header_of(head)
        return header is not None and len(set(header) & set(self.columns)) * 2 > len(self.columns)

    def _load(self, path: Path, sink: Sink) -> None:
        csvfile.check_utf8(path)
        with open(path, "rb") as f:
            header = csvfile.header_of(f.read(1 << 16))
        csvfile.check_columns(path, header or [], self.columns)
        csvfile.load_varchar(sink.con, path, header, "_csv")

    def where(self, path: Path, locator: str) -> str:
        # locator is "row N" (the N-th data record); say which line that is.
        record = int(locator.split()[-1])
        return t("loc.line", line=csvfile.line_of_record(path, record))


class EventsCsv(_InterchangeCsv):
    name = "events.csv"
    reads = {"zh-CN": "dunwatch 事件交换文件 events.csv", "en": "dunwatch interchange events.csv"}
    columns = EVENTS_COLUMNS

    def read(self, path: Path, sink: Sink) -> None:
        self._load(path, sink)
        sink.stage_sql(
            "stage_events",
            """SELECT coalesce(id, ''), coalesce(kind, ''), coalesce("from", ''), coalesce("to", ''),
                      coalesce("at", ''), coalesce(duration_s, ''), coalesce(status, ''), coalesce(text, ''),
                      coalesce(debt, ''), '', 'row ' || n, n, ?
               FROM (SELECT *, rowid - min(rowid) OVER () + 1 AS n FROM _csv) ORDER BY n""",
            [sink.evidence],
        )
        sink.con.execute("DROP TABLE _csv")


class PartiesCsv(_InterchangeCsv):
    name = "parties.csv"
    reads = {"zh-CN": "dunwatch 当事方交换文件 parties.csv", "en": "dunwatch interchange parties.csv"}
    columns = PARTIES_COLUMNS

    def read(self, path: Path, sink: Sink) -> None:
        self._load(path, sink)
        sink.stage_sql(
            "stage_parties",
            """SELECT coalesce(party, ''), coalesce(role, ''), coalesce(name, ''), coalesce(org, ''),
                      coalesce(relation, ''), 'parties.csv', 'row ' || n, n, ?
               FROM (SELECT *, rowid - min(rowid) OVER () + 1 AS n FROM _csv) ORDER BY n""",
            [sink.evidence],
        )
        sink.con.execute("DROP TABLE _csv")
