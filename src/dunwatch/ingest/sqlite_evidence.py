"""Opening a phone's SQLite database as evidence: read-only, never touching the file.

`immutable=1` stops SQLite from creating -wal/-shm/-journal files beside the evidence or replaying
a journal into it (ALEAPP opens databases read-only for the same reason). Rows still held in a
separate -wal file are not part of the file imported; copy the database with its -wal merged first.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from dunwatch.ingest.problems import problem

MAGIC = b"SQLite format 3\x00"


def connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1", uri=True)
    con.text_factory = lambda b: b.decode("utf-8", errors="replace")
    return con


def schema(path: Path, head: bytes) -> dict[str, set[str]]:
    """{table: {columns}} of a SQLite file, or {} when the file is not a readable SQLite database."""
    if not head.startswith(MAGIC):
        return {}
    try:
        con = connect(path)
        try:
            tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")]
            return {t: {r[1] for r in con.execute(f'PRAGMA table_info("{t}")')} for t in tables}
        finally:
            con.close()
    except (sqlite3.Error, ValueError):
        return {}


def has(tables: dict[str, set[str]], table: str, *columns: str) -> bool:
    return table in tables and set(columns) <= tables[table]


class Database:
    """A read-only evidence database whose errors become one-line problems naming the file."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.con = connect(path)
            self.tables = {t: {r[1] for r in self.con.execute(f'PRAGMA table_info("{t}")')}
                           for (t,) in self.con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").fetchall()}
        except sqlite3.Error as e:
            raise problem(path, "sqlite_master", "ingest.sqlite", message=str(e)) from None

    def has(self, table: str, *columns: str) -> bool:
        return has(self.tables, table, *columns)

    def column(self, table: str, column: str, default_sql: str = "NULL", alias: str = "") -> str:
        """The column if this schema version has it, else a constant (vendors and versions drift)."""
        prefix = f"{alias}." if alias else ""
        return f'{prefix}"{column}"' if column in self.tables.get(table, set()) else default_sql

    def rows(self, where: str, sql: str, params: tuple = ()):
        try:
            yield from self.con.execute(sql, params)
        except sqlite3.Error as e:
            raise problem(self.path, where, "ingest.sqlite", message=str(e)) from None

    def count(self, table: str) -> int:
        try:
            return self.con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        except sqlite3.Error as e:
            raise problem(self.path, table, "ingest.sqlite", message=str(e)) from None

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
