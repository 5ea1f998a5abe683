"""Geometry of the dossier's four charts, drawn as inline SVG by templates/charts.svg.j2.

Computed here, drawn there, so every label (a contact's name, a rule's title) goes through the
template's escaping like any other text. Reference lines (the daily limit, the quiet hours) come
from the rule pack (reference.chart_lines), with its citations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from dunwatch.case import Case
from dunwatch.report.facts import CaseFacts, collection_sql
from dunwatch.report.findings import RuleGroup
from dunwatch.report.messages import tr

WIDTH = 720
# Fills are written as attributes, not classes: weasyprint matches CSS per SVG element, and a
# heat map of a few months has thousands of cells.
FILL = {"connected": "#1f4e79", "unanswered": "#9dc3e6", "contact": "#c0504d", "message": "#f4b183",
        "quiet": "#d9d9d9", "heat": "#a50f15", "all": "#1f4e79",
        "sev-high": "#b00020", "sev-medium": "#d46b08", "sev-low": "#5b6b7b"}
STROKE = {"grid": ("#dddddd", 0.6, ""), "axis": ("#444444", 1, ""), "lane": ("#cccccc", 0.8, ""),
          "limit": ("#cc0000", 1.6, "5 3")}
DAYS_PER_ROW_LIMIT = 92  # beyond this the heat map shows one row per week


def nice_max(n: float) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 100000):
        if n <= step * 4:
            return step * 4
    return int(math.ceil(n))


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _tick_every(n: int, most: int) -> int:
    return max(1, math.ceil(n / most))


@dataclass
class Rect:
    x: float
    y: float
    w: float
    h: float
    cls: str = ""
    title: str = ""
    opacity: float = 1.0
    text: str = ""


@dataclass
class Text:
    x: float
    y: float
    text: str
    anchor: str = "middle"
    cls: str = ""


@dataclass
class Svg:
    width: int
    height: int
    rects: list[Rect] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    lines: list[tuple[float, float, float, float, str]] = field(default_factory=list)
    circles: list[tuple[float, float, float, str, str]] = field(default_factory=list)  # cx, cy, r, cls, title


# -- data -------------------------------------------------------------------------------------
def _daily(case: Case, facts: CaseFacts):
    sql, params = collection_sql(facts)
    return case.con.execute(
        f"""SELECT CAST(lt AS DATE) d, hour(lt) h, kind = 'call' AS is_call, status = 'answered' AS ok,
                   list_contains(?, to_e164) AS to_debtor, to_e164, count(*)
            FROM ({sql}) GROUP BY ALL ORDER BY ALL""", [facts.debtor_ids, *params]).fetchall()


def build(case: Case, facts: CaseFacts, groups: list[RuleGroup], cited_days: dict[str, dict[date, int]], lang: str,
          lines: dict) -> dict:
    rows = _daily(case, facts)
    if not rows:
        return {"calls": None, "heat": None, "who": None, "timeline": None, "lines": lines}
    days = _days(min(r[0] for r in rows), max(r[0] for r in rows))
    return {
        "calls": calls_per_day(rows, days, lines, lang, bool(facts.debtor_ids)),
        "heat": heat_map(rows, days, lines),
        "who": who_contacted(rows, facts, lang),
        "timeline": timeline(rows, days, groups, cited_days, lang),
        "lines": lines,
        "weekly": len(days) > DAYS_PER_ROW_LIMIT,
    }


# -- charts -----------------------------------------------------------------------------------
def calls_per_day(rows, days: list[date], lines: dict, lang: str, have_debtor: bool) -> Svg:
    connected = {d: 0 for d in days}
    other = {d: 0 for d in days}
    for d, _h, is_call, ok, to_debtor, _to, n in rows:
        if is_call and (to_debtor or not have_debtor):
            (connected if ok else other)[d] += n
    limit = lines.get("daily_limit")
    top = max((connected[d] + other[d] for d in days), default=0)
    ymax = nice_max(max(top, (limit or 0) + 1, 1))
    left, right, top_m, bottom, height = 34, 8, 12, 34, 230
    plot_w, plot_h = WIDTH - left - right, height - top_m - bottom
    base = height - bottom
    svg = Svg(WIDTH, height)
    for i in range(5):
        v = ymax * i / 4
        y = base - plot_h * i / 4
        svg.lines.append((left, y, WIDTH - right, y, "grid"))
        svg.texts.append(Text(left - 4, y + 3, f"{v:g}", "end", "tick"))
    slot = plot_w / len(days)
    bar = max(1.0, slot * 0.8)
    every = _tick_every(len(days), 12)
    for i, d in enumerate(days):
        x = left + i * slot + (slot - bar) / 2
        hc = plot_h * connected[d] / ymax
        ho = plot_h * other[d] / ymax
        title = f"{d.isoformat()}: {tr('report.chart.connected', lang)} {connected[d]}, {tr('report.chart.unanswered', lang)} {other[d]}"
        if hc:
            svg.rects.append(Rect(x, base - hc, bar, hc, "connected", title))
        if ho:
            svg.rects.append(Rect(x, base - hc - ho, bar, ho, "unanswered", title))
        if i % every == 0:
            svg.texts.append(Text(left + i * slot + slot / 2, base + 14, d.strftime("%m-%d"), "middle", "tick"))
    svg.lines.append((left, base, WIDTH - right, base, "axis"))
    if limit:
        y = base - plot_h * limit / ymax
        svg.lines.append((left, y, WIDTH - right, y, "limit"))
        svg.texts.append(Text(WIDTH - right - 2, y - 4, tr("report.chart.limit", lang, limit=limit), "end", "limit-label"))
    svg.rects.append(Rect(left, height - 12, 10, 8, "connected"))
    svg.texts.append(Text(left + 14, height - 5, tr("report.chart.connected", lang), "start", "tick"))
    svg.rects.append(Rect(left + 90, height - 12, 10, 8, "unanswered"))
    svg.texts.append(Text(left + 104, height - 5, tr("report.chart.unanswered", lang), "start", "tick"))
    return svg


def heat_map(rows, days: list[date], lines: dict) -> Svg:
    weekly = len(days) > DAYS_PER_ROW_LIMIT
    keys = days[::7] if weekly else days
    row_of = {d: (i // 7 if weekly else i) for i, d in enumerate(days)}
    counts: dict[tuple[int, int], int] = {}
    for d, h, *_rest, n in rows:
        k = (row_of[d], h)
        counts[k] = counts.get(k, 0) + n
    left, top_m, right = 64, 18, 8
    cell_w = (WIDTH - left - right) / 24
    cell_h = max(3.0, min(16.0, 480 / len(keys)))
    height = int(top_m + cell_h * len(keys) + 8)
    svg = Svg(WIDTH, height)
    quiet = lines.get("quiet")
    if quiet:
        start, end = quiet
        for h in range(24):
            if (h >= start or h < end) if start > end else (start <= h < end):
                svg.rects.append(Rect(left + h * cell_w, top_m, cell_w, cell_h * len(keys), "quiet"))
    for h in range(0, 24, 2):
        svg.texts.append(Text(left + h * cell_w + cell_w / 2, top_m - 5, f"{h:02d}", "middle", "tick"))
    peak = max(counts.values(), default=1)
    every = _tick_every(len(keys), 40)
    for r, d in enumerate(keys):
        y = top_m + r * cell_h
        if r % every == 0:
            svg.texts.append(Text(left - 4, y + cell_h - 3 if cell_h >= 9 else y + cell_h, d.strftime("%m-%d"), "end", "tick"))
        for h in range(24):
            n = counts.get((r, h), 0)
            if n:
                svg.rects.append(Rect(left + h * cell_w + 0.5, y + 0.5, cell_w - 1, max(1.0, cell_h - 1), "heat",
                                      f"{d.isoformat()} {h:02d}:00 — {n}", round(0.25 + 0.75 * n / peak, 3),
                                      str(n) if cell_h >= 12 else ""))
    svg.lines.append((left, top_m, left, top_m + cell_h * len(keys), "axis"))
    return svg


def who_contacted(rows, facts: CaseFacts, lang: str) -> Svg:
    contacts = facts.contact_by_id()
    per: dict[str, list[int]] = {}
    for _d, _h, is_call, _ok, _to_debtor, to, n in rows:
        key = to if (to in contacts or to in facts.debtor_ids) else ""
        per.setdefault(key, [0, 0])[0 if is_call else 1] += n

    def label(key: str) -> str:
        if key in facts.debtor_ids:
            return tr("report.debtor_self", lang)
        if key in contacts:
            p = contacts[key]
            return " · ".join(x for x in (p.name or p.party, p.relation) if x)
        return tr("report.other", lang)

    order = sorted(per, key=lambda k: (k not in facts.debtor_ids, k == "", -sum(per[k]), k))
    left, right, bar_h, gap, top_m = 170, 60, 18, 8, 6
    height = top_m + len(order) * (bar_h + gap) + 22
    svg = Svg(WIDTH, height)
    peak = max((sum(v) for v in per.values()), default=1)
    plot_w = WIDTH - left - right
    for i, key in enumerate(order):
        calls, msgs = per[key]
        y = top_m + i * (bar_h + gap)
        svg.texts.append(Text(left - 6, y + bar_h - 5, label(key), "end", "label"))
        wc, wm = plot_w * calls / peak, plot_w * msgs / peak
        if wc:
            svg.rects.append(Rect(left, y, wc, bar_h, "connected" if key in facts.debtor_ids else "contact", f"{calls}"))
        if wm:
            svg.rects.append(Rect(left + wc, y, wm, bar_h, "message", f"{msgs}"))
        svg.texts.append(Text(left + wc + wm + 4, y + bar_h - 5, f"{calls} + {msgs}", "start", "tick"))
    y = height - 12
    svg.rects.append(Rect(left, y, 10, 8, "connected"))
    svg.texts.append(Text(left + 14, y + 7, tr("report.col_calls", lang), "start", "tick"))
    svg.rects.append(Rect(left + 70, y, 10, 8, "message"))
    svg.texts.append(Text(left + 84, y + 7, tr("report.col_msgs", lang), "start", "tick"))
    return svg


def timeline(rows, days: list[date], groups: list[RuleGroup], cited_days: dict[str, dict[date, int]], lang: str) -> Svg:
    lanes: list[tuple[str, dict[date, int], str]] = []
    total: dict[date, int] = {}
    for d, *_rest, n in rows:
        total[d] = total.get(d, 0) + n
    # Over a long period one dot per lane and week keeps the chart readable (and light to draw).
    bucket = (lambda per: _weekly(per, days[0])) if len(days) > DAYS_PER_ROW_LIMIT else (lambda per: per)
    lanes.append((tr("report.chart.all_contacts", lang), bucket(total), "all"))
    for g in groups:
        lanes.append((g.title.get(lang) or g.title.get("en") or g.rule, bucket(cited_days.get(g.rule, {})), f"sev-{g.severity}"))
    left, right, lane_h, top_m = 204, 14, 26, 8
    height = top_m + lane_h * len(lanes) + 22
    svg = Svg(WIDTH, height)
    first, last = days[0], days[-1]
    span = max(1, (last - first).days)
    plot_w = WIDTH - left - right

    def x_of(d: date) -> float:
        return left + plot_w * ((d - first).days / span if span else 0.5)

    for i, (name, per_day, cls) in enumerate(lanes):
        y = top_m + i * lane_h + lane_h / 2
        svg.lines.append((left, y, WIDTH - right, y, "lane"))
        svg.texts.append(Text(left - 16, y + 4, name if len(name) <= 22 else name[:21] + "…", "end", "label"))
        peak = max(per_day.values(), default=1)
        for d, n in sorted(per_day.items()):
            if first <= d <= last and n:
                svg.circles.append((x_of(d), y, 2.0 + 8.0 * math.sqrt(n / peak), cls, f"{d.isoformat()}: {n}"))
    every = _tick_every(len(days), 10)
    for i, d in enumerate(days):
        if i % every == 0:
            svg.texts.append(Text(x_of(d), height - 6, d.strftime("%m-%d"), "middle", "tick"))
    return svg


def _weekly(per_day: dict[date, int], first: date) -> dict[date, int]:
    """Counts per week (keyed by the week's first day, counted from `first`)."""
    out: dict[date, int] = {}
    for d, n in per_day.items():
        week = first + timedelta(days=(d - first).days // 7 * 7)
        out[week] = out.get(week, 0) + n
    return out
