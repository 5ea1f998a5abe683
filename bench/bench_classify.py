"""Conduct classifier throughput on one core (messages/second), beside a plain Python loop over
compiled regular expressions (one alternation of the lexicon's terms per label, plus the ID and
card patterns) over the same messages in the same run.

Messages are the corpus texts (corpus/conduct/examples.jsonl) repeated to BENCH_MESSAGES (default
100,000). The process is pinned to one CPU. Figures: wall-clock and CPU-time rates; on a busy
machine the CPU-time rate is the steadier one. Target: >= 20,000 messages/second.

classify_many remembers the answers for recent distinct texts (collectors repeat templates), and
the corpus has only a few hundred distinct texts, so most of those messages are answered from that
memo. The "every message classified" lines time the classifier itself with no memo (results() and
as_dict(), which is what classify_many runs for a text it has not seen), so both figures are shown.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import line

N = int(os.environ.get("BENCH_MESSAGES", "100000"))
ROOT = Path(__file__).resolve().parents[1]


def messages() -> list[tuple[int, str]]:
    texts = [json.loads(s)["text"] for s in (ROOT / "corpus" / "conduct" / "examples.jsonl").read_text(encoding="utf-8").splitlines() if s]
    return [(i, texts[i % len(texts)]) for i in range(N)]


def baseline_patterns() -> list[tuple[str, re.Pattern]]:
    from dunwatch.conduct.lexicon import lexicon

    by_label: dict[str, list[str]] = {}
    for term in lexicon().terms:
        by_label.setdefault(term.label, []).append(term.text)
    patterns = [(label, re.compile("|".join(re.escape(t) for t in sorted(ts, key=len, reverse=True)), re.IGNORECASE))
                for label, ts in by_label.items()]
    patterns.append(("cn_id", re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")))
    patterns.append(("card", re.compile(r"(?<!\d)\d{13,19}(?!\d)")))
    return patterns


def run_baseline(items, patterns) -> int:
    found = 0
    for ident, text in items:
        labels = []
        for label, pattern in patterns:
            spans = [m.span() for m in pattern.finditer(text)]
            if spans:
                labels.append({"label": label, "spans": spans})
        found += len(labels)
    return found


def run_classifier(items) -> int:
    from dunwatch.conduct.classify import classify_many

    return sum(len(r["labels"]) for r in classify_many(items))


def run_unmemoised(items) -> int:
    from dunwatch.conduct.classify import results

    return sum(len(r.as_dict()["labels"]) for r in results(items))


def timed(fn, *args) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn(*args)
    return time.perf_counter() - w, time.process_time() - c


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    items = messages()
    patterns = baseline_patterns()
    run_classifier(items[:2000])  # load lexicon and model outside the timing
    run_baseline(items[:2000], patterns)
    base_wall, base_cpu = timed(run_baseline, items, patterns)
    wall, cpu = timed(run_classifier, items)
    raw_wall, raw_cpu = timed(run_unmemoised, items)
    distinct = len({text for _, text in items})
    print(f"{N:,} messages (corpus texts repeated, {distinct} distinct), one core")
    line("classify_many, wall clock", N / wall, "msg/s", N / base_wall, "regex loop", ">= 20000")
    line("classify_many, CPU time", N / cpu, "msg/s", N / base_cpu, "regex loop", ">= 20000")
    line("every message classified (no memo), wall", N / raw_wall, "msg/s", N / base_wall, "regex loop")
    line("every message classified (no memo), CPU", N / raw_cpu, "msg/s", N / base_cpu, "regex loop")


if __name__ == "__main__":
    main()
