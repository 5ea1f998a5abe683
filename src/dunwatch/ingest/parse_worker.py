"""Run a reader in a second process while this one stages what it reads (big phone exports).

Why: importing the 2-million-message backup of bench/bench_smsbackup.py spent about 50 s in one
Python process, about half of it parsing (lxml and the per-message code) and half staging (DuckDB
building ids, times and raw JSON). With the reader in a child process, parsing runs on one core
while this process stages on the other.

How: the child runs the reader's own read() against a RemoteSink, which sends what a reader does
with its sink through a connection (process.start_child), in order: each EventBatch's rows,
progress, attachments, notes, and the end. Here each is applied to the real Sink, so ords, ids,
staging and every error are the same as in one process, and the import's transaction and rollback
are untouched. A thread here takes the child's messages off the connection up to AHEAD ahead of
staging, so the child parses while this process stages; beyond that the connection's small buffer
holds the child back, so memory stays flat. The rows travel as plain tuples (in marshal's format):
this process turns them into Arrow columns (staging.columns), so the child loads neither pyarrow
nor phonenumbers and spends its time reading (its peak fell from 117 to 38 MB). Only readers that
declare `in_child` run this way (they use nothing of the sink but those calls), and only for files
of CHILD_FROM bytes or more: starting the child takes about a second. A plain subprocess, not
multiprocessing, so that no caller's `__main__` is imported again in the child.
"""

from __future__ import annotations

import hashlib
import importlib
import marshal
import queue
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path

from dunwatch.errors import UserError
from dunwatch.i18n import lang, register, set_lang, t
from dunwatch.ingest.base import Reader, Sink
from dunwatch.process import CHILDREN, collector_paused, start_child, without_pandas

register({
    "ingest.child_died": ("读取进程意外退出（退出码 {code}）", "the reading process stopped unexpectedly (exit code {code})"),
    "ingest.child_failed": ("读取进程出错：{message}", "the reading process failed: {message}"),
})

CHILD_FROM = 32 << 20
# Messages received ahead of staging. With none, the child waited for each batch to be staged
# before it could send the next, and the parent for each to be parsed: both cores idled a fifth of
# the read.
AHEAD = 2
RECEIVER = "dunwatch-import-receiver"
# What a reader may raise about its input; the importer turns these into one-line errors.
_INPUT_ERRORS = {e.__name__: e for e in (ValueError, KeyError, IndexError, UnicodeError, OSError)}


@contextmanager
def reading(reader: Reader, path: Path, region: str, tz: str, options: dict) -> Iterator[Callable[[Sink], None]]:
    """Start reading `path` now; yields read_into(sink), which stages what is read into the sink.

    Where a child process reads (a reader that declares in_child, a file of CHILD_FROM bytes or
    more), it starts here, so it parses while this process does what comes before staging: the
    importer hashes the file, which names the evidence every row points to (0.7 s of one core for
    the benchmark's 842 MB backup, the other core idle until then). Otherwise the reader runs in
    read_into. Leaving the block ends the child, whatever was staged."""
    if not (reader.in_child and CHILDREN and path.stat().st_size >= CHILD_FROM):
        yield lambda sink: reader.read(path, sink)
        return
    job = {"module": type(reader).__module__, "cls": type(reader).__qualname__, "path": str(path), "lang": lang(),
           "region": region, "tz": tz, "options": options}
    proc, pipe = start_child("dunwatch.ingest.parse_worker")
    inbox: queue.Queue = queue.Queue(AHEAD)
    stop = threading.Event()
    receiver = threading.Thread(target=_receive, args=(pipe, inbox, stop), name=RECEIVER, daemon=True)

    def read_into(sink: Sink) -> None:
        with collector_paused():  # the rows hold no reference cycles
            _apply(path, proc, inbox, sink)

    try:
        try:
            pipe.send(job)
        except OSError:
            pass  # the child is already gone: the receiver finds it so
        receiver.start()
        yield read_into
    finally:
        stop.set()
        if proc.poll() is None:
            proc.kill()  # which ends the receiver's recv
        proc.wait()
        if receiver.is_alive():
            receiver.join()
        pipe.close()


def _apply(path: Path, proc, inbox: queue.Queue, sink: Sink) -> None:
    """Do what the child says, in order, until it is done."""
    while True:
        message = inbox.get()
        if message is None:  # the child is gone
            raise UserError(t("ingest.child_died", code=proc.wait()), path) from None
        op, *args = marshal.loads(message)
        if op == "events":
            sink.stage_events(*args)
        elif op == "progress":
            sink.report(*args)
        elif op == "attachment":
            sink.attachment(*args)
        elif op == "notes":
            sink.notes.extend(args[0])
        elif op == "error":
            raise _rebuilt(path, *args)
        elif op == "done":
            return


def _receive(pipe: Connection, inbox: queue.Queue, stop: threading.Event) -> None:
    """Take the child's messages off the pipe as they come, up to AHEAD ahead of staging, and
    leave None when the child is gone. Decoding waits for the staging thread: here only the bytes
    are read, which releases the GIL."""
    while not stop.is_set():
        try:
            message = pipe.recv_bytes()
        except (EOFError, OSError):  # the child is gone (a reset, on a socket)
            message = None
        while not stop.is_set():
            try:
                inbox.put(message, timeout=0.1)
                break
            except queue.Full:
                continue
        if message is None:
            return


def _rebuilt(path: Path, kind: str, *details: str) -> Exception:
    """The child's exception as the importer expects it: a UserError stays one; a reader's input
    error comes back as its kind (ValueError…) under its own name with its own text, so that the
    importer's one line reads as in one process; anything else is a failure of the child."""
    if kind == "UserError":
        return UserError(details[0], path)
    if kind == "input":
        base, name, message = details
        return type(name, (_INPUT_ERRORS[base],), {"__str__": lambda self: message})()
    return UserError(t("ingest.child_failed", message=details[0]), path)


class RemoteSink:
    """The part of Sink a reader running in the child may use; each call goes down the pipe."""

    def __init__(self, pipe: Connection, region: str, tz: str, options: dict):
        self._pipe = pipe
        self.region, self.tz, self.options = region, tz, options
        self.notes: list[str] = []

    def stage_events(self, raw_names: tuple[str, ...], rows: list[tuple]) -> None:
        _send(self._pipe, ("events", raw_names, rows))

    def report(self, done: int, total: int) -> None:
        _send(self._pipe, ("progress", done, total))

    def attachment(self, data: bytes, name: str, locator: str) -> str:
        _send(self._pipe, ("attachment", data, name, locator))
        return hashlib.sha256(data).hexdigest()  # what the case's store names it by (case/evidence.py)


def _send(pipe: Connection, message: tuple) -> None:
    """What the child says, in marshal's format: tuples of strings, numbers and bytes, written and
    read by the same Python. Pickle took 3 s of the child's time for 2 million messages' rows and
    3 s of the importing process's; marshal about 1 and 2."""
    pipe.send_bytes(marshal.dumps(message))


def _child(fd: int) -> None:
    pipe = Connection(fd)
    try:
        job = pipe.recv()
        set_lang(job["lang"])
        reader = getattr(importlib.import_module(job["module"]), job["cls"])()
        sink = RemoteSink(pipe, job["region"], job["tz"], job["options"])
        reader.read(Path(job["path"]), sink)
        _send(pipe, ("notes", sink.notes))
        _send(pipe, ("done",))
    except UserError as e:
        _send(pipe, ("error", "UserError", e.problem))
    except BaseException as e:  # noqa: BLE001  everything is reported to the parent, never printed
        base = next((b for b in _INPUT_ERRORS.values() if isinstance(e, b)), None)
        if base is not None:
            report = ("error", "input", base.__name__, type(e).__name__, str(e))
        else:
            report = ("error", "failure", traceback.format_exception_only(e)[-1].strip())
        try:
            _send(pipe, report)
        except OSError:
            pass  # the parent is gone
    finally:
        pipe.close()


if __name__ == "__main__":
    without_pandas()
    _child(int(sys.argv[1]))
