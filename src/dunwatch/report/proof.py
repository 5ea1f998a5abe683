"""The events that prove findings, as a reader sees them: call rows, quoted text with the words
that triggered a label highlighted, and the region of a screenshot the text was read from."""

from __future__ import annotations

import base64
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from dunwatch.case import Case
from dunwatch.case import evidence as store
from dunwatch.report.facts import local

BBOX = re.compile(r"bbox=(\d+(?:\.\d+)?),(\d+(?:\.\d+)?),(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)")
CROP_MAX_WIDTH = 720
CROP_PAD = 12


@dataclass
class Segment:
    text: str
    labels: tuple[str, ...] = ()  # empty: not highlighted


@dataclass
class ProofEvent:
    id: str
    kind: str
    when: str  # local wall time
    from_party: str
    to_party: str
    status: str
    duration: str
    text: str
    evidence: str
    evidence_name: str
    locator: str
    labels: list[tuple[str, list[list[int]]]] = field(default_factory=list)
    crop: str | None = None  # data: URI of a PNG

    @property
    def segments(self) -> list[Segment]:
        return highlight(self.text, [(name, spans) for name, spans in self.labels])

    @property
    def label_names(self) -> list[str]:
        return sorted({name for name, _ in self.labels})


def highlight(text: str, labels: list[tuple[str, list[list[int]]]]) -> list[Segment]:
    """Cut `text` into plain and highlighted runs; overlapping spans of several labels merge."""
    marks: list[set[str]] = [set() for _ in text]
    for name, spans in labels:
        for span in spans:
            if len(span) != 2:
                continue
            start, end = max(0, int(span[0])), min(len(text), int(span[1]))
            for i in range(start, end):
                marks[i].add(name)
    out: list[Segment] = []
    for i, ch in enumerate(text):
        key = tuple(sorted(marks[i]))
        if out and out[-1].labels == key:
            out[-1].text += ch
        else:
            out.append(Segment(ch, key))
    return out


def load(case: Case, ids: list[str]) -> dict[str, ProofEvent]:
    """The cited events by id (ids not in the case are skipped: a finding may outlive an event)."""
    if not ids:
        return {}
    rows = case.con.execute(
        f"""SELECT e.id, e.kind, strftime({local('e.at_utc', case.tz)}, '%Y-%m-%d %H:%M:%S'), e.from_party, e.to_party,
                   e.status, e.duration_s, e.text, e.evidence, coalesce(v.name, ''), e.locator
            FROM events e LEFT JOIN (SELECT sha256, min(name) AS name FROM evidence GROUP BY sha256) v ON v.sha256 = e.evidence
            WHERE e.id IN (SELECT unnest(?))""", [ids]).fetchall()
    events = {r[0]: ProofEvent(*r) for r in rows}
    for event_id, label, spans in case.con.execute(
            "SELECT event_id, label, spans FROM labels WHERE event_id IN (SELECT unnest(?)) ORDER BY event_id, label, entry",
            [ids]).fetchall():
        if event_id in events:
            try:
                parsed = json.loads(spans)
            except ValueError:
                parsed = []
            events[event_id].labels.append((label, parsed if isinstance(parsed, list) else []))
    return events


def attach_crops(case: Case, events: list[ProofEvent]) -> None:
    """Cut the screenshot region named by `bbox=x0,y0,x1,y1` in an event's locator out of its
    evidence image (only for the events the dossier shows: cropping is the slow part)."""
    for ev in events:
        m = BBOX.search(ev.locator or "")
        if m and ev.crop is None:
            ev.crop = crop_png(store.stored_path(case.path, ev.evidence), *(float(v) for v in m.groups()))


def crop_png(path: Path, x0: float, y0: float, x1: float, y1: float) -> str | None:
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:  # Pillow comes with weasyprint; without it the dossier simply shows no crop
        return None
    try:
        with Image.open(path) as im:
            im.load()
            w, h = im.size
            box = (max(0, int(x0) - CROP_PAD), max(0, int(y0) - CROP_PAD), min(w, int(x1) + CROP_PAD), min(h, int(y1) + CROP_PAD))
            if box[2] <= box[0] or box[3] <= box[1]:
                return None
            region = im.crop(box).convert("RGB")
    except (OSError, UnidentifiedImageError, ValueError):
        return None  # evidence that is not an image (or is damaged: `dunwatch verify` reports that)
    if region.width > CROP_MAX_WIDTH:
        region = region.resize((CROP_MAX_WIDTH, max(1, round(region.height * CROP_MAX_WIDTH / region.width))))
    buf = io.BytesIO()
    region.save(buf, format="PNG", optimize=False)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def pick_examples(events: list[ProofEvent], limit: int) -> list[ProofEvent]:
    """The events best worth showing first: labelled texts, then screenshots, then other texts, then the rest."""
    def weight(ev: ProofEvent) -> int:
        if ev.labels and ev.text:
            return 0
        if BBOX.search(ev.locator or ""):
            return 1
        return 2 if ev.text else 3
    return sorted(events, key=lambda ev: (weight(ev), ev.when, ev.id))[:limit]
