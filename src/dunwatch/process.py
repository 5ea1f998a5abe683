"""dunwatch's own processes: what each entry point (the CLI, the import's reader process, a worker)
does first, and work spread over child processes (map_ordered)."""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

# The CLI imports this module on every start for without_pandas: what only child processes need is
# imported where they start (socket, subprocess and multiprocessing's connection cost 25 ms).
if TYPE_CHECKING:
    import subprocess
    from multiprocessing.connection import Connection

T = TypeVar("T")
R = TypeVar("R")
# start_child hands the child its end of the connection by descriptor number (pass_fds), which only
# POSIX systems allow; elsewhere the work stays in this process.
CHILDREN = os.name == "posix"


class _NoPandas:
    """A meta path finder (sys.meta_path only needs find_spec; importlib.abc costs 12 ms to import)."""

    def find_spec(self, name, path, target=None):  # None (by falling off): not ours, ask the next finder
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError("dunwatch does not use pandas", name=name)


def without_pandas() -> None:
    """Keep this process from loading pandas; for process entry points only (the CLI, the import's
    reader process), never for a library caller, who may use pandas.

    Why: pyarrow imports pandas, when it is installed, on its first pa.array() of Python values, to
    ask whether they are a pandas object: 50 MB of memory and half a second in every process, while
    no dunwatch command uses pandas (a test and benchmark dependency only). A finder that refuses
    the import makes pyarrow take it as "no pandas". (A None in sys.modules does not do: pyarrow's
    compiled import takes the None for the module.)"""
    if "pandas" not in sys.modules and not any(isinstance(f, _NoPandas) for f in sys.meta_path):
        sys.meta_path.insert(0, _NoPandas())


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for bulk work that makes no reference cycles (the rows of a
    big phone export, ingest/parse_worker.py), then back as it was.

    Why: an import holds each batch's rows (ten thousand tuples) while it stages them, long enough
    for the collector to move them to its oldest generation, and so it ran full collections over
    every object the process holds (DuckDB's, pyarrow's, the classifier's) again and again: 4 s of
    the 41 s a 2-million-message backup took (bench/bench_smsbackup.py). Only there: other readers
    load models (speech, OCR) whose garbage may hold cycles."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def arrow_gives_memory_back() -> None:
    """Let Arrow allocate with the C library's malloc, which returns freed memory to the system,
    instead of its mimalloc pool, which keeps it; for process entry points only, before pyarrow is
    imported (children started from here inherit it).

    Why: an import passes a few MB of Arrow columns per batch, hundreds of times; the pool kept the
    pages, and the import of a 2-million-message backup peaked at 304 MB instead of 266 MB
    (bench/bench_smsbackup.py, target 300 MB). A caller's own ARROW_DEFAULT_MEMORY_POOL wins."""
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")


def start_child(module: str) -> tuple[subprocess.Popen, Connection]:
    """`python -m module FD`, with a two-way Connection to it on FD. The child finds modules where
    this process does (a caller's reader or function may come from outside the package); it prints
    nothing, so whatever it has to say comes through the Connection."""
    import socket
    import subprocess
    from multiprocessing.connection import Connection

    ours, theirs = socket.socketpair()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    try:
        proc = subprocess.Popen([sys.executable, "-m", module, str(theirs.fileno())], pass_fds=(theirs.fileno(),),
                                env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()
    return proc, Connection(ours.detach())


def map_ordered(func: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """func(item) for each item, in order, computed by up to `workers` child processes and by this
    process while they are all busy. `func` must be a module-level function (a child imports it
    by name) taking and returning picklable values.

    Why not multiprocessing: its child processes import the caller's `__main__` again, which for a
    script without a `__main__` guard runs the script a second time. A plain subprocess imports
    only dunwatch. Results wait here until their turn, at most one per child plus one."""
    if workers <= 0 or not CHILDREN:
        yield from map(func, items)
        return
    children = [_Child(func) for _ in range(workers)]
    idle, busy = list(children), {}
    ready: dict[int, R] = {}
    turn = 0
    try:
        for i, item in enumerate(items):
            if idle:
                child = idle.pop()
                child.send(item)
                busy[child] = i
            else:
                ready[i] = func(item)
            for child in [c for c in busy if c.poll()]:
                ready[busy.pop(child)] = child.recv()
                idle.append(child)
            if turn not in ready and len(ready) > len(children):  # a slow child holds back the next result
                child = next(c for c, j in busy.items() if j == turn)
                ready[busy.pop(child)] = child.recv()
                idle.append(child)
            while turn in ready:
                yield ready.pop(turn)
                turn += 1
        for child, i in list(busy.items()):
            ready[i] = child.recv()
        while turn in ready:
            yield ready.pop(turn)
            turn += 1
    finally:
        for child in children:
            child.close()


class _Child:
    """One child process running `python -m dunwatch.process`: an item in, its result out."""

    def __init__(self, func: Callable):
        self.proc, self.pipe = start_child("dunwatch.process")
        self.pipe.send((func.__module__, func.__qualname__))

    def send(self, item) -> None:
        try:
            self.pipe.send(item)
        except OSError:  # the child is gone
            raise RuntimeError(f"a worker process stopped unexpectedly (exit code {self.proc.wait()})") from None

    def poll(self) -> bool:
        return self.pipe.poll()

    def recv(self):
        try:
            ok, value = self.pipe.recv()
        except (EOFError, OSError):  # the child is gone (a reset, on a socket)
            raise RuntimeError(f"a worker process stopped unexpectedly (exit code {self.proc.wait()})") from None
        if not ok:
            raise RuntimeError(f"a worker process failed: {value}")
        return value

    def close(self) -> None:
        import subprocess

        self.pipe.close()  # the child's recv() ends: it exits
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _serve(fd: int) -> None:
    import traceback
    from multiprocessing.connection import Connection

    pipe = Connection(fd)
    module, name = pipe.recv()
    try:
        func = getattr(importlib.import_module(module), name)
    except Exception as e:  # noqa: BLE001  a function the child cannot import: each item says so
        func, failed = None, traceback.format_exception_only(e)[-1].strip()
    while True:
        try:
            item = pipe.recv()
        except EOFError:
            return
        if func is None:
            pipe.send((False, failed))
            continue
        try:
            pipe.send((True, func(item)))
        except Exception as e:  # noqa: BLE001  reported to the parent, which raises it
            pipe.send((False, traceback.format_exception_only(e)[-1].strip()))


if __name__ == "__main__":
    without_pandas()
    _serve(int(sys.argv[1]))
