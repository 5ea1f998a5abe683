"""User errors: one clear line naming the file and the problem, exit code 2."""

from __future__ import annotations

from pathlib import Path

from dunwatch.i18n import t


class UserError(Exception):
    """An error caused by the input, shown to the user as one line (never a traceback)."""

    exit_code = 2

    def __init__(self, message: str, path: str | Path | None = None):
        # One line, always: parsers' messages (lxml's, DuckDB's) may carry newlines.
        message = " ".join(str(message).split())
        self.path = str(path) if path is not None else None
        self.problem = message
        super().__init__(f"{self.path}: {message}" if self.path else message)


def bad_input(path: str | Path, key: str, **kw: object) -> UserError:
    return UserError(t(key, **kw), path)
