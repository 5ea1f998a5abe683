"""Chinese carriers' itemized records (通话详单 / 短信详单) as CSV or XLSX.

Recognised by a header row (within the first 30 rows, after any title rows) that holds the columns
of a preset in data/carrier_bill_presets.json, or of a mapping file the user gives
(`dunwatch import --columns map.json`). CSV text may be UTF-8, UTF-16 or GBK/GB18030.

- 起始时间 is a wall-clock time in the subscriber's local time: read in the case's time zone.
- 通信方式 主叫 means this phone called (from = this phone), 被叫 that it was called; the lists of
  words for each direction are in the presets file.
- 通信时长 like "2分13秒", "1小时2分3秒", "00:02:13" or plain seconds.
- A bill lists calls that connected and were charged, so each call row is an answered call.
- Blank rows and total rows (合计/小计/总计) are skipped; any other row that cannot be read stops
  the import and is named (`row 12`, `Sheet1 row 12`).
Every cell of a row is kept in the event's raw values under its header.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, time
from importlib import resources
from pathlib import Path

from dunwatch.errors import UserError
from dunwatch.i18n import t
from dunwatch.ingest.base import Reader, Sink
from dunwatch.ingest.problems import problem
from dunwatch.ingest.staging import OWNER, EventBatch
from dunwatch.ingest.textfile import decode_text
from dunwatch.ingest.times import local_from_text, seconds_from_text

HEADER_SEARCH_ROWS = 30
_TOTAL = re.compile(r"合计|小计|总计")
_FULLWIDTH = str.maketrans({"（": "(", "）": ")", "：": ":", "\u3000": " "})
_REQUIRED = {"call": ("at", "other", "direction", "duration"), "sms": ("at", "other", "direction")}


@dataclass
class Preset:
    name: str
    kind: str
    columns: dict[str, str]
    outgoing: list[str] = field(default_factory=list)
    incoming: list[str] = field(default_factory=list)
    time_format: str = ""

    def match(self, row: list[str]) -> dict[str, int] | None:
        """{field: column index} when the row is this preset's header, else None."""
        cells = [_clean_header(c) for c in row]
        found = {f: cells.index(_clean_header(h)) for f, h in self.columns.items() if _clean_header(h) in cells}
        return found if all(f in found for f in _REQUIRED[self.kind]) else None


def _clean_header(value) -> str:
    return re.sub(r"\s+", "", str(value or "").translate(_FULLWIDTH))


def _load_presets() -> tuple[list[Preset], list[str], list[str]]:
    data = json.loads(resources.files("dunwatch.ingest").joinpath("data/carrier_bill_presets.json").read_text(encoding="utf-8"))
    presets = [Preset(p["name"], p["kind"], p["columns"], data["outgoing"], data["incoming"]) for p in data["presets"]]
    return presets, data["outgoing"], data["incoming"]


PRESETS, OUTGOING, INCOMING = _load_presets()
# Mapping files given on the command line for this run; asked before the built-in presets.
USER_PRESETS: list[Preset] = []


def add_mapping(path: str | Path) -> Preset:
    """Load a user's column mapping (same shape as one preset) for this run."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        kind = data.get("kind", "call")
        columns = data["columns"]
        if kind not in _REQUIRED or not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
            raise ValueError("kind must be call or sms; columns must map fields to header names")
        missing = [f for f in _REQUIRED[kind] if f not in columns]
        if missing:
            raise ValueError(f"columns lacks {', '.join(missing)}")
        preset = Preset(str(data.get("name", path.stem)), kind, columns, list(data.get("outgoing", OUTGOING)),
                        list(data.get("incoming", INCOMING)), str(data.get("time_format", "")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise UserError(t("ingest.mapping", message=str(e).splitlines()[0] if str(e) else type(e).__name__), path) from None
    USER_PRESETS.insert(0, preset)
    return preset


def find_header(rows) -> tuple[int, Preset, dict[str, int], list[str]] | None:
    """(index of the header row, preset, {field: column}, header cells) among the first rows."""
    for i, row in enumerate(rows):
        if i >= HEADER_SEARCH_ROWS:
            break
        for preset in (*USER_PRESETS, *PRESETS):
            found = preset.match(row)
            if found:
                return i, preset, found, [str(c or "").strip() for c in row]
    return None


class _Bill(Reader):
    source = "research/formats-and-anchors.md §5.3; presets in dunwatch/ingest/data/carrier_bill_presets.json"

    def _stage(self, path: Path, sink: Sink, tables) -> None:
        """tables: (label prefix for locators, list of rows) per sheet."""
        staged = False
        for prefix, rows in tables:
            header = find_header(rows)
            if header is None:
                continue
            staged = True
            start, preset, cols, names = header
            batch = EventBatch(sink, tuple(names))
            for i in range(start + 1, len(rows)):
                _row(path, sink, batch, preset, cols, rows[i], f"{prefix}row {i + 1}", len(names))
            batch.close()
        if not staged:
            need = "、".join(PRESETS[0].columns[f] for f in _REQUIRED["call"])
            raise problem(path, "row 1", "ingest.bill_header", need=need)


def _row(path: Path, sink: Sink, batch: EventBatch, preset: Preset, cols: dict[str, int], row: list, loc: str, width: int) -> None:
    cells = [_cell_text(c) for c in row]
    if not any(cells):
        return
    def get(f: str) -> str:  # noqa: E306
        i = cols.get(f)
        return cells[i] if i is not None and i < len(cells) else ""
    at_cell = row[cols["at"]] if cols["at"] < len(row) else None
    if any(_TOTAL.search(c) for c in cells) and not isinstance(at_cell, datetime) and local_from_text(get("at")) is None:
        return  # a total row (合计…) at the end of the bill
    for f in _REQUIRED[preset.kind]:
        if cols[f] >= len(row):
            raise problem(path, loc, "ingest.bill_short_row", column=preset.columns[f])
    at = at_cell.replace(tzinfo=None) if isinstance(at_cell, datetime) else None
    if at is None:
        at = _parse_time(get("at"), preset.time_format)
    if at is None:
        raise problem(path, loc, "ingest.bad_time", field=preset.columns["at"], value=get("at"))
    direction = get("direction")
    if any(w == direction for w in preset.outgoing) or (direction not in preset.incoming and any(w in direction for w in preset.outgoing if len(w) > 1)):
        outgoing = True
    elif any(w == direction for w in preset.incoming) or any(w in direction for w in preset.incoming if len(w) > 1):
        outgoing = False
    else:
        raise problem(path, loc, "ingest.bill_direction", value=direction)
    other = _number_text(get("other"))
    raw = tuple(cells[:width]) + ("",) * (width - min(width, len(cells)))
    if preset.kind == "call":
        seconds = _duration(row[cols["duration"]], get("duration"))
        if seconds is None:
            raise problem(path, loc, "ingest.bill_duration", value=get("duration"))
        batch.add("call", OWNER if outgoing else other, other if outgoing else OWNER, loc, at_local=at,
                  duration_s=str(seconds), status="answered", raw=raw)
    else:
        kind = "mms" if "彩信" in get("message_type") + get("service") else "sms"
        batch.add(kind, OWNER if outgoing else other, other if outgoing else OWNER, loc, at_local=at,
                  status="sent" if outgoing else "received", raw=raw)


def _parse_time(text: str, fmt: str) -> datetime | None:
    if fmt:
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            return None
    return local_from_text(text)


def _duration(cell, text: str) -> int | None:
    if isinstance(cell, time):
        return cell.hour * 3600 + cell.minute * 60 + cell.second
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return int(cell) if cell >= 0 else None
    return seconds_from_text(text)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value).strip()


def _number_text(value: str) -> str:
    """Numbers as spreadsheets guard them: ="13800138000", '13800138000, or with a leading tab."""
    v = value.strip().lstrip("'\t")
    m = re.fullmatch(r'="(.*)"', v)
    return m.group(1) if m else v


def _csv_rows(text: str) -> list[list[str]]:
    lines = text.splitlines()[:HEADER_SEARCH_ROWS]
    sample = "\n".join(lines)
    delimiter = max(",\t;", key=sample.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


class CarrierBillCsv(_Bill):
    name = "carrier-bill-csv"
    reads = {"zh-CN": "运营商通话/短信详单（CSV，UTF-8/GBK/GB18030/UTF-16）", "en": "Chinese carrier itemized bill (CSV)"}
    extensions = (".csv", ".txt")

    def sniff(self, path: Path, head: bytes) -> bool:
        text = decode_text(head, partial=True)
        if text is None:
            return False
        try:
            return find_header(_csv_rows(text)) is not None
        except csv.Error:
            return False

    def read(self, path: Path, sink: Sink) -> None:
        text = decode_text(path.read_bytes())
        if text is None:
            raise problem(path, "row 1", "ingest.encoding")
        try:
            rows = _csv_rows(text)
        except csv.Error as e:
            raise problem(path, "row 1", "ingest.mapping", message=str(e)) from None
        self._stage(path, sink, [("", rows)])


class CarrierBillXlsx(_Bill):
    name = "carrier-bill-xlsx"
    reads = {"zh-CN": "运营商通话/短信详单（Excel XLSX）", "en": "Chinese carrier itemized bill (XLSX)"}
    extensions = (".xlsx",)

    def sniff(self, path: Path, head: bytes) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(path) as z:
                if "xl/workbook.xml" not in z.namelist():
                    return False
            return any(find_header(rows) for _, rows in _sheets(path, HEADER_SEARCH_ROWS))
        except Exception:  # noqa: BLE001 - a damaged or hostile zip is simply not this format
            return False

    def read(self, path: Path, sink: Sink) -> None:
        try:
            sheets = _sheets(path, None)
        except Exception as e:  # noqa: BLE001 - openpyxl raises many types for a damaged workbook
            raise UserError(t("ingest.xlsx", message=f"{type(e).__name__}: {e}".splitlines()[0]), path) from None
        self._stage(path, sink, sheets)


def _sheets(path: Path, limit: int | None) -> list[tuple[str, list[list]]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [(f"{ws.title} ", [list(r) for r in ws.iter_rows(max_row=limit, values_only=True)]) for ws in wb.worksheets]
    finally:
        wb.close()
