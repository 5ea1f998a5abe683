"""The cases folder: every sub-folder holding a case.json is a case the app can open.

DuckDB lets one process hold a case's catalog for writing, and the app serves requests on several
threads, so every use of a case holds one lock; the foundation's messages follow the global
language (dunwatch.i18n), which is switched to the request's language under the same lock.
"""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from dunwatch import i18n
from dunwatch.case import Case
from dunwatch.web.security import valid_case_name


class CaseNotFound(Exception):
    pass


class BadCaseName(Exception):
    pass


@dataclass
class CaseInfo:
    name: str
    jurisdiction: str
    tz: str
    synthetic: bool


class CaseStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()

    def path_of(self, name: str) -> Path:
        if not valid_case_name(name):
            raise BadCaseName(name)
        path = self.root / name
        if path.resolve().parent != self.root.resolve():
            raise BadCaseName(name)
        return path

    def list(self) -> list[CaseInfo]:
        found = []
        for child in sorted(self.root.iterdir()):
            if not child.is_dir() or not valid_case_name(child.name):
                continue
            try:
                s = json.loads((child / "case.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(s, dict) and s.get("format") == "dunwatch-case":
                found.append(CaseInfo(child.name, str(s.get("jurisdiction", "")), str(s.get("tz", "")),
                                      bool(s.get("synthetic", False))))
        return found

    def exists(self, name: str) -> bool:
        try:
            return (self.path_of(name) / "case.json").is_file()
        except BadCaseName:
            return False

    @contextlib.contextmanager
    def language(self, lang: str) -> Iterator[None]:
        with self.lock:
            before = i18n._current
            i18n.set_lang(lang)
            try:
                yield
            finally:
                i18n.set_lang(before)

    def create(self, name: str, jurisdiction: str, tz: str, lang: str) -> CaseInfo:
        path = self.path_of(name)
        with self.language(lang):
            Case.init(path, jurisdiction=jurisdiction, tz=tz).close()
        return CaseInfo(name, jurisdiction, tz, False)

    @contextlib.contextmanager
    def open(self, name: str, lang: str) -> Iterator[Case]:
        path = self.path_of(name)
        if not (path / "case.json").is_file():
            raise CaseNotFound(name)
        with self.language(lang):
            case = Case.open(path)
            try:
                yield case
            finally:
                case.close()
