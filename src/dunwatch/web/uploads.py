"""Uploaded evidence: streamed to a private temporary folder (never held whole in memory), cut off
at the size limit, then handed to the importer under the name the borrower's file had."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import AsyncIterator

from dunwatch.web.security import safe_upload_name

CHUNK = 1 << 20


class TooLarge(Exception):
    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(limit)


class Staged:
    """A temporary folder holding uploaded files until they are imported; removed on close."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="dunwatch-upload-"))
        os.chmod(self.dir, 0o700)
        self.paths: list[Path] = []

    def _target(self, filename: str | None) -> Path:
        name = safe_upload_name(filename)
        sub = self.dir / str(len(self.paths))  # two uploads may share a name
        sub.mkdir()
        return sub / name

    async def add_stream(self, filename: str | None, chunks: AsyncIterator[bytes], limit: int) -> Path:
        path = self._target(filename)
        size = 0
        with open(path, "wb") as out:
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise TooLarge(limit)
                out.write(chunk)
        self.paths.append(path)
        return path

    async def add_upload(self, upload, limit: int) -> Path:
        """A file from a multipart form (already spooled by the form parser, within the body limit)."""
        path = self._target(getattr(upload, "filename", None))
        size = 0
        with open(path, "wb") as out:
            while chunk := await upload.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLarge(limit)
                out.write(chunk)
        self.paths.append(path)
        return path

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "Staged":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
