"""Per-label precision and recall of the classifier on the held-out split of the corpus."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dunwatch.conduct import classify as classifier
from dunwatch.conduct.corpus import Example
from dunwatch.conduct.labels import LABELS, LAWFUL


@dataclass
class Scores:
    label: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    n: int
    scores: list[Scores]
    lawful_total: int
    lawful_flagged: int  # lawful reminders given any other label

    @property
    def macro_f1(self) -> float:
        present = [s for s in self.scores if s.support]
        return sum(s.f1 for s in present) / len(present) if present else 0.0

    @property
    def lawful_flag_rate(self) -> float:
        return self.lawful_flagged / self.lawful_total if self.lawful_total else 0.0

    def table(self) -> str:
        lines = ["| label | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
        for s in self.scores:
            lines.append(f"| `{s.label}` | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} | {s.support} |")
        lines.append(f"| **macro** | | | **{self.macro_f1:.3f}** | {self.n} messages |")
        return "\n".join(lines)


def evaluate(examples: list[Example], mdl=None) -> Report:
    scores = {label: Scores(label) for label in LABELS}
    lawful_total = lawful_flagged = 0
    found = classifier.results(((ex.id, ex.text) for ex in examples), mdl)
    for ex, result in zip(examples, found):
        got = set(result.labels)
        want = set(ex.labels)
        for label in LABELS:
            if label in got and label in want:
                scores[label].tp += 1
            elif label in got:
                scores[label].fp += 1
            elif label in want:
                scores[label].fn += 1
        if want == {LAWFUL}:
            lawful_total += 1
            lawful_flagged += bool(got - {LAWFUL})
    return Report(len(examples), list(scores.values()), lawful_total, lawful_flagged)


BEGIN, END = "<!-- eval:begin -->", "<!-- eval:end -->"


def write_docs(path: Path, text: str) -> None:
    """Replace the measured block of docs/labels.md (between the eval markers) with `text`."""
    doc = path.read_text(encoding="utf-8")
    start, end = doc.index(BEGIN) + len(BEGIN), doc.index(END)
    path.write_text(doc[:start] + "\n" + text.strip() + "\n" + doc[end:], encoding="utf-8")
