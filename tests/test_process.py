"""dunwatch/process.py: work spread over child processes (map_ordered) and what each of dunwatch's
processes does first."""

from __future__ import annotations

import os
import signal

import pytest

from dunwatch.process import map_ordered


def where(item: int) -> tuple[int, int]:
    """The item and the process that computed it (module level: the child imports it by name)."""
    return item * item, os.getpid()


def fails_on_three(item: int) -> int:
    if item == 3:
        raise ValueError("three is not allowed")
    return item


def dies_on_three(item: int) -> int:
    if item == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return item


def test_results_come_in_order_from_the_children_and_this_process():
    out = list(map_ordered(where, range(40), workers=2))
    assert [square for square, _ in out] == [i * i for i in range(40)]
    pids = {pid for _, pid in out}
    assert len(pids - {os.getpid()}) >= 1, "no child computed anything"


def test_no_workers_is_a_plain_map_here(monkeypatch):
    assert {pid for _, pid in map_ordered(where, range(5), workers=0)} == {os.getpid()}
    # Where children cannot be started (not POSIX: no pass_fds), workers are ignored.
    from dunwatch import process

    monkeypatch.setattr(process, "CHILDREN", False)
    assert {pid for _, pid in map_ordered(where, range(5), workers=2)} == {os.getpid()}


@pytest.mark.parametrize("func, message", [(fails_on_three, "a worker process failed: ValueError: three is not allowed"),
                                           (dies_on_three, "a worker process stopped unexpectedly (exit code -9)")])
def test_a_child_that_fails_or_dies_raises_one_line_here(func, message):
    # A single item goes to the idle child, never to this process.
    with pytest.raises(RuntimeError) as err:
        list(map_ordered(func, [3], workers=1))
    assert str(err.value) == message


def slow_on_zero(item: int) -> int:
    if item == 0:
        import time

        time.sleep(1.0)
    return item


def test_results_do_not_pile_up_behind_a_slow_child():
    # Item 0 goes to the child and takes long; this process computes the next items meanwhile, but
    # holds at most one result per child plus one before it waits for the child.
    gen = map_ordered(slow_on_zero, _counted(range(20)), workers=1)
    assert next(gen) == 0
    assert _counted.taken <= 3, f"{_counted.taken} items taken before the first result"
    assert list(gen) == list(range(1, 20))


def _counted(items):
    _counted.taken = 0
    for item in items:
        _counted.taken += 1
        yield item
