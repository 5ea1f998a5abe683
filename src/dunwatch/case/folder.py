"""A case on disk: case.json (settings), catalog.duckdb (catalog + ledger), evidence/ (originals)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from dunwatch.case import catalog, ledger
from dunwatch.errors import UserError, bad_input
from dunwatch.i18n import t

JURISDICTIONS = ("cn", "us", "uk", "in", "eu")
SETTINGS_KEYS = ("jurisdiction", "tz", "region", "synthetic")
# The default phone-number region of each jurisdiction (for numbers written without +CC).
REGIONS = {"cn": "CN", "us": "US", "uk": "GB", "in": "IN", "eu": "DE"}


def _settings_hash(settings: dict) -> str:
    return ledger.result_hash({k: settings[k] for k in SETTINGS_KEYS})


class Case:
    def __init__(self, path: Path, settings: dict, con: duckdb.DuckDBPyConnection):
        self.path = path
        self.settings = settings
        self.con = con

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def init(cls, path: str | Path, jurisdiction: str = "cn", tz: str = "Asia/Shanghai", synthetic: bool = False) -> "Case":
        path = Path(path)
        if jurisdiction not in JURISDICTIONS:
            raise bad_input(path, "case.bad_jurisdiction", j=jurisdiction, allowed=", ".join(JURISDICTIONS))
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise bad_input(path, "case.bad_tz", tz=tz) from None
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise bad_input(path, "case.exists")
        # Build the case in a sibling folder and rename it into place: a case either exists whole
        # or not at all, and an interrupted init leaves nothing behind at `path`.
        path.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{path.name}.init-", dir=path.parent))
        try:
            (building / "evidence").mkdir()
            settings = {
                "format": "dunwatch-case",
                "version": catalog.SCHEMA_VERSION,
                "jurisdiction": jurisdiction,
                "tz": tz,
                "region": REGIONS[jurisdiction],
                "synthetic": synthetic,
            }
            con = catalog.connect(str(building / "catalog.duckdb"))
            case = cls(building, settings, con)
            with case.transaction():
                case.record(case.next_seq(), "case.init", {k: settings[k] for k in SETTINGS_KEYS},
                            {"settings": _settings_hash(settings)})
            con.close()
            (building / "case.json").write_text(json.dumps(settings, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            if path.exists():
                path.rmdir()  # empty (checked above)
            os.rename(building, path)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        return cls.open(path)

    @classmethod
    def open(cls, path: str | Path, read_only: bool = False) -> "Case":
        path = Path(path)
        try:
            settings = json.loads((path / "case.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError):
            raise bad_input(path, "case.not_found") from None
        try:
            con = catalog.connect(str(path / "catalog.duckdb"), read_only=read_only)
        except duckdb.IOException as e:
            if "lock" in str(e).lower():
                raise bad_input(path, "case.locked") from None
            raise UserError(str(e).splitlines()[0], path) from None
        return cls(path, settings, con)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Case":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def tz(self) -> str:
        return self.settings["tz"]

    @property
    def rows_in_ord_order(self) -> bool:
        """Whether the ledger hashes this case's rows of tables with `ord` in ord order (cases of
        version 2 on; catalog.entry_hashes)."""
        return self.settings.get("version", 1) >= 2

    @property
    def region(self) -> str:
        return self.settings["region"]

    @property
    def jurisdiction(self) -> str:
        return self.settings["jurisdiction"]

    # -- operations ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self):
        """Everything inside lands whole or not at all (DuckDB's write-ahead log makes a killed
        process roll back to the last commit)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def next_seq(self) -> int:
        """The ledger sequence number the next recorded entry will take; rows are written with it."""
        return ledger.head(self.con)[0] + 1

    def record(self, seq: int, action: str, inputs: dict, extra: dict | None = None,
               hashed: dict[str, str | None] | None = None) -> ledger.Entry:
        """Append the ledger entry for rows already written with entry=seq (inside a transaction).

        The result hash covers those rows, table by table, plus `extra` (hashes of things outside
        the catalog, such as exported files). `hashed` holds catalog.entry_hashes of tables the
        caller took itself after their last write (None: no rows), so they are not taken twice."""
        parts = dict(extra or {})
        if extra:
            inputs = {**inputs, "_result": extra}  # kept so verify can recompute the result
        for table in catalog.DATA_TABLES:
            if hashed and table in hashed:
                h = hashed[table]
            else:
                hashes = catalog.entry_hashes(self.con, table, seq, rows_in_ord_order=self.rows_in_ord_order)
                h = hashes.get(seq)
            if h:
                parts[table] = h
        entry = ledger.append(self.con, action, inputs, ledger.result_hash(parts))
        assert entry.seq == seq, "rows were written for a different ledger entry"
        return entry

    # -- queries --------------------------------------------------------------------------------
    def events(self) -> duckdb.DuckDBPyRelation:
        """Events as a DuckDB relation (.to_arrow_table() gives an Arrow table)."""
        return self.con.sql("SELECT * FROM events ORDER BY entry, ord")

    def parties(self) -> duckdb.DuckDBPyRelation:
        return self.con.sql("SELECT * FROM parties ORDER BY entry, ord")

    def settings_hash(self) -> str:
        return _settings_hash(self.settings)
