"""Label a message: lexicon, personal-data detectors and the statistical model, combined.

Output (docs/formats.md, "Labels JSON Lines"):
    {"id": ..., "labels": [{"label", "score", "spans": [[start, end], ...], "detector"}],
     "pii": [{"type", "span": [start, end], "score", "detector"}]}
Offsets index the ORIGINAL text (Python string indices). `lawful_reminder` is never combined with
another label. `third_party_disclosure` is judged here from the text alone ("您的儿子…欠款");
`store.label_events` corrects it with the recipient's role when the case knows it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

import numpy as np

from dunwatch.conduct import pii as pii_detectors
from dunwatch.conduct.labels import LABELS, LAWFUL
from dunwatch.conduct.lexicon import lexicon
from dunwatch.conduct.model import model
from dunwatch.conduct.normalize import fold_many, normalize, same_length_many

BATCH = 512
MEMO_SIZE = 4096  # distinct texts classify_many remembers (a few MB)
_TOP_NGRAMS = 3
HOMOPHONE_DISCOUNT = 0.9


@dataclass
class Result:
    """Everything found in one message; `as_dict` gives the public shape."""
    id: object
    labels: dict[str, dict] = field(default_factory=dict)  # label -> {"score", "spans", "detectors"}
    pii: list = field(default_factory=list)
    debt_spans: list[tuple[int, int]] = field(default_factory=list)  # words saying the text is about a debt

    def as_dict(self) -> dict:
        labels = []
        for label in LABELS:
            found = self.labels.get(label)
            if found:
                labels.append({"label": label, "score": round(found["score"], 3), "spans": [list(s) for s in _merge(found["spans"])],
                               "detector": "+".join(sorted(found["detectors"]))})
        return {"id": self.id, "labels": labels, "pii": [f.as_dict() for f in self.pii]}


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if len(spans) == 1:
        return spans
    out: list[tuple[int, int]] = []
    for s, e in sorted(set(spans)):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _add(result: Result, label: str, score: float, spans: list[tuple[int, int]], detector: str, weak: bool = False) -> None:
    found = result.labels.get(label)
    if found is None:  # not setdefault: that builds the empty entry on every call (a hot path)
        found = result.labels[label] = {"score": 0.0, "spans": [], "detectors": set(), "strong": False}
    found["score"] = max(found["score"], score)
    found["spans"].extend(spans)
    found["detectors"].add(detector)
    found["strong"] = found["strong"] or not weak


def _prepare(chunk: list[tuple[object, str]]) -> list[tuple]:
    """Normalise a batch and run the lexicon and personal-data detectors on each message.

    The character tables are applied to the whole batch at once (normalize.same_length_many,
    fold_many): far cheaper than one str.translate per message."""
    texts = [text or "" for _, text in chunk]
    bases = same_length_many(texts)
    normalized = [normalize(text, base) for text, base in zip(texts, bases)]
    folded = fold_many([n.text for n in normalized])
    find_terms = lexicon().find
    return [(ident, n, find_terms(n.text, f)[0], pii_detectors.find(base, text))
            for (ident, _), text, base, n, f in zip(chunk, texts, bases, normalized, folded)]


def _decide(prepared, probs: list[float], above: list[int], mdl, lawful_j: int | None, with_debt: bool) -> Result:
    """`lawful_j`: the model's column for LAWFUL (None when the model has none)."""
    ident, normalized, accepted, found = prepared
    lex = lexicon()
    terms = lex.terms
    result = Result(ident, pii=found)
    if with_debt:
        result.debt_spans = [normalized.original_span(s, e) for s, e in lex.debt_spans(normalized.text)]
    lawful_hits: list[tuple[int, int]] = []
    lawful_score = 0.0
    for hit in accepted:
        term = terms[hit.term]
        span = normalized.original_span(hit.start, hit.end)
        if term.label == LAWFUL:
            lawful_hits.append(span)
            lawful_score = max(lawful_score, term.score)
        elif hit.homophone:
            _add(result, term.label, term.score * HOMOPHONE_DISCOUNT, [span], "lexicon-homophone", term.weak)
        else:
            _add(result, term.label, term.score, [span], "lexicon", term.weak)
    if found:
        exposed = [f for f in found if f.exposes]
        if exposed:
            _add(result, "doxxing_pii", max(f.score for f in exposed), [(f.start, f.end) for f in exposed], "pii")

    for j in above:
        if j == lawful_j:
            continue
        label = mdl.labels[j]
        p = probs[j]
        found_label = result.labels.get(label)
        if found_label:
            found_label["score"] = max(found_label["score"], p)
            found_label["detectors"].add("model")
            found_label["strong"] = True
        else:
            spans = [normalized.original_span(s, e) for s, e in mdl.top_spans(normalized.text, j, _TOP_NGRAMS)]
            _add(result, label, p, spans, "model")
    # Vague intimidation ("你等着", "后果自负") is its own label only when nothing else explains it.
    weak = [label for label, found in result.labels.items() if not found["strong"]]
    if weak and len(weak) < len(result.labels):
        for label in weak:
            del result.labels[label]

    if not result.labels:
        j = lawful_j
        by_model = j is not None and j in above
        if lawful_hits or by_model:
            spans = lawful_hits or [normalized.original_span(s, e) for s, e in mdl.top_spans(normalized.text, j, _TOP_NGRAMS)]
            detectors = ({"lexicon"} if lawful_hits else set()) | ({"model"} if by_model else set())
            score = max(lawful_score, probs[j] if by_model else 0.0)
            result.labels[LAWFUL] = {"score": score, "spans": spans, "detectors": detectors, "strong": True}
    return result


def results(items: Iterable[tuple[object, str]], mdl=None, with_debt: bool = False) -> Iterator[Result]:
    """Full results in input order; `with_debt` adds where each text speaks of a debt (for the store).

    `mdl` replaces the shipped model (training uses it to judge a model before writing it)."""
    mdl = mdl or model()
    lawful_j = mdl.labels.index(LAWFUL) if LAWFUL in mdl.labels else None
    it = iter(items)
    while True:
        chunk = _prepare(list(islice(it, BATCH)))
        if not chunk:
            return
        probs = mdl.probabilities([p[1].text for p in chunk])
        above: list[list[int]] = [[] for _ in chunk]
        rows, cols = np.nonzero(probs >= mdl.thresholds)
        for row, col in zip(rows.tolist(), cols.tolist()):
            above[row].append(col)
        for prepared, row, row_above in zip(chunk, probs.tolist(), above):
            yield _decide(prepared, row, row_above, mdl, lawful_j, with_debt)


def classify_many(items: Iterable[tuple[str, str]]) -> Iterator[dict]:
    """Label (id, text) pairs; yields one dict per item, in order (see module docstring).

    Collectors send the same templates again and again, so a text seen lately is not classified
    twice: the last MEMO_SIZE distinct texts keep their answer (a text's answer depends on nothing
    but the text). Each item gets its own copy, so a caller may change what it receives."""
    memo: OrderedDict[str, dict] = OrderedDict()
    it = iter(items)
    while True:
        chunk = [(ident, text or "") for ident, text in islice(it, BATCH)]
        if not chunk:
            return
        missing = list(dict.fromkeys(text for _, text in chunk if text not in memo))
        for result in results((text, text) for text in missing):
            memo[result.id] = result.as_dict()
        for ident, text in chunk:
            public = memo[text]
            memo.move_to_end(text)
            yield _copy(public, ident)
        while len(memo) > MEMO_SIZE:
            memo.popitem(last=False)


def _copy(public: dict, ident: object) -> dict:
    return {"id": ident,
            "labels": [{**found, "spans": [list(s) for s in found["spans"]]} for found in public["labels"]],
            "pii": [{**f, "span": list(f["span"])} for f in public["pii"]]}


def classify(text: str) -> dict:
    """Label one message; the dict's "id" is None."""
    return next(classify_many([(None, text)]))
