"""Bar charts as SVG geometry computed here and drawn by the templates (no script, no library):
what reached the borrower per day, and at what hours."""

from __future__ import annotations

from dataclasses import dataclass

CATEGORIES = ("answered", "unanswered", "message", "visit")
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 220, 36, 28, 12

# Hours without collection in China: 22:00–08:00 (cn-rules.md §1: NIFA 2024 guideline,
# GB/T 45251-2025, CBA 2026 guideline). Only shaded for cn cases.
NIGHT = {"cn": (22, 8)}


@dataclass
class Bar:
    x: float
    y: float
    w: float
    h: float
    category: str
    label: str
    count: int


@dataclass
class Chart:
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # x, text under the axis
    ymax: int
    yticks: list[tuple[float, int]]
    shade: list[tuple[float, float]]  # x ranges shaded (night hours)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    base: int = HEIGHT - BOTTOM


def _nice_max(n: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 50000, 100000):
        if n <= step * 4:
            return step * 4
    return n


def _stack(groups: list[tuple[str, dict[str, int]]], tick_every: int, tick_text) -> tuple[list[Bar], list, int, list]:
    top = max((sum(g.values()) for _, g in groups), default=0)
    ymax = _nice_max(max(top, 1))
    plot_h = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT - 8) / max(len(groups), 1)
    w = max(slot * 0.7, 1.0)
    bars, ticks = [], []
    for i, (key, counts) in enumerate(groups):
        x = LEFT + i * slot + (slot - w) / 2
        y = HEIGHT - BOTTOM
        for c in CATEGORIES:
            n = counts.get(c, 0)
            if not n:
                continue
            h = plot_h * n / ymax
            y -= h
            bars.append(Bar(round(x, 1), round(y, 1), round(w, 1), round(h, 1), c, key, n))
        if i % tick_every == 0:
            ticks.append((round(x + w / 2, 1), tick_text(key)))
    yticks = [(round(HEIGHT - BOTTOM - plot_h * k / 4, 1), ymax * k // 4) for k in range(5)]
    return bars, ticks, ymax, yticks


def by_day(days: dict[str, dict[str, int]]) -> Chart:
    groups = sorted(days.items())
    every = max(1, len(groups) // 12)
    bars, ticks, ymax, yticks = _stack(groups, every, lambda d: d[5:])
    return Chart(bars, ticks, ymax, yticks, [])


def by_hour(hours: dict[int, dict[str, int]], jurisdiction: str) -> Chart:
    groups = [(f"{h:02d}", hours.get(h, {})) for h in range(24)]
    bars, ticks, ymax, yticks = _stack(groups, 2, lambda h: h)
    slot = (WIDTH - LEFT - 8) / 24
    shade = []
    if jurisdiction in NIGHT:
        start, end = NIGHT[jurisdiction]
        shade = [(round(LEFT + start * slot, 1), round((24 - start) * slot, 1)), (LEFT, round(end * slot, 1))]
    return Chart(bars, ticks, ymax, yticks, shade)
