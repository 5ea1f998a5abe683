"""Statistical layer: one-vs-rest logistic regression over character n-grams of normalised text.

It catches paraphrases the lexicon has no word for. The model is small (a few thousand n-grams,
float16 weights) and ships as data/model.json; `python -m dunwatch.conduct.train` rebuilds it
from corpus/conduct with a fixed seed. N-grams are found by indexing small dense tables with the
characters of a whole batch at once (`Model.probabilities`), so featurising costs a few array
operations per batch, not a Python loop per character.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from dunwatch.conduct import normalize as norm

MODEL_FILE = "model.json"


def ngrams(text: str, low: int, high: int) -> set[str]:
    """Every character n-gram of `text` with low <= n <= high (training-time featuriser)."""
    out = set()
    for n in range(low, high + 1):
        for i in range(len(text) - n + 1):
            gram = text[i:i + n]
            if not gram.isspace():
                out.add(gram)
    return out


def encode(array: np.ndarray) -> str:
    return base64.b64encode(array.astype("<f2").tobytes()).decode("ascii")


def decode(text: str, shape: tuple[int, ...]) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f2").astype(np.float32).reshape(shape)


@dataclass
class Model:
    labels: tuple[str, ...]
    vocab: list[str]
    weights: np.ndarray  # (len(vocab) + 1, len(labels)); the last row is zero
    bias: np.ndarray
    thresholds: np.ndarray
    info: dict

    def __post_init__(self) -> None:
        self.index = {gram: i for i, gram in enumerate(self.vocab)}
        self.low, self.high = self.info.get("ngram", (2, 3))
        if (self.low, self.high) != (2, 3):
            raise ValueError("the batch featuriser reads character 2- and 3-grams only")
        self._positive_by_label: dict[int, dict[str, float]] = {}
        self._build_tables()

    def _build_tables(self) -> None:
        """Dense lookup tables so that featurising a batch is array indexing, not searching.

        Characters are renumbered 1..A over the vocabulary's alphabet (0: any other character, and
        the NUL between messages); a bigram is a "pair" row, and a trigram is its prefix pair's row
        times (A + 1) plus its last character. A is a few hundred for the shipped model, so the
        tables are small: (A + 1)^2 + (pairs + 1) * (A + 1) int32 entries, a few MB."""
        alphabet = sorted({ch for gram in self.vocab for ch in gram})
        code = {ch: i + 1 for i, ch in enumerate(alphabet)}
        width = len(alphabet) + 1
        self._char_code = np.zeros(0x110000, np.uint16 if width < 0x10000 else np.uint32)
        for ch, c in code.items():
            self._char_code[ord(ch)] = c
        pairs: dict[tuple[int, int], int] = {}
        for gram in self.vocab:
            pairs.setdefault((code[gram[0]], code[gram[1]]), len(pairs))
        self._pair = np.full(width * width, -1, np.int32)
        for (a, b), row in pairs.items():
            self._pair[a * width + b] = row
        self._bigram = np.full(len(pairs) + 1, -1, np.int32)  # the last row stands for "no pair"
        self._trigram = np.full((len(pairs) + 1) * width, -1, np.int32)
        for i, gram in enumerate(self.vocab):
            row = pairs[(code[gram[0]], code[gram[1]])]
            if len(gram) == 2:
                self._bigram[row] = i
            else:
                self._trigram[row * width + code[gram[2]]] = i
        self._width = width

    @classmethod
    def from_json(cls, data: dict) -> Model:
        labels, vocab = tuple(data["labels"]), data["vocab"]
        w = decode(data["weights"], (len(vocab), len(labels)))
        weights = np.vstack([w, np.zeros((1, len(labels)), np.float32)])
        return cls(labels, vocab, weights, np.array(data["bias"], np.float32),
                   np.array(data["thresholds"], np.float32), data.get("info", {}))

    def to_json(self) -> dict:
        return {
            "format": "dunwatch-conduct-model", "version": 1, "labels": list(self.labels), "vocab": self.vocab,
            "weights": encode(self.weights[:-1]), "bias": [round(float(b), 4) for b in self.bias],
            "thresholds": [round(float(t), 3) for t in self.thresholds], "info": self.info,
        }

    def top_spans(self, text: str, label: int, top: int = 3) -> list[tuple[int, int]]:
        """The n-grams of `text` that push `label` up most: what a reader should look at."""
        get = self._positive(label).get
        found = []
        for n in (2, 3):
            grams = map("".join, zip(*(text[k:] for k in range(n))))
            for i, w in enumerate(map(get, grams)):
                if w is not None:
                    found.append((w, i, i + n))
        found.sort(reverse=True)
        return [(s, e) for _, s, e in found[:top]]

    def _positive(self, label: int) -> dict[str, float]:
        """N-gram -> weight for the n-grams that push `label` up (plain floats: no numpy scalars
        in the per-gram loop; float32 -> float is exact, so the order is the same)."""
        if label not in self._positive_by_label:
            column = self.weights[:, label]
            self._positive_by_label[label] = {gram: float(column[i]) for i, gram in enumerate(self.vocab) if column[i] > 0}
        return self._positive_by_label[label]

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """Probabilities (len(texts), len(labels)) for normalised texts, featurised all at once.

        The batch is one NUL-separated array of character codes (see `_build_tables`); NUL and
        characters outside the vocabulary's alphabet have code 0, which no n-gram contains, so no
        n-gram spans two messages. Each message counts each of its n-grams once, and its weight rows
        are summed in vocabulary order (the order the plain definition and training use)."""
        n = len(texts)
        sums = np.zeros((n, len(self.labels)), np.float32)
        if n and self.vocab:
            joined = "\x00".join(texts) + "\x00"  # NUL separates messages (normalisation removes NUL)
            points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            c = self._char_code[points].astype(np.intp)
            lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.intp, count=n)
            message = np.repeat(np.arange(n, dtype=np.intp), lengths)
            pair = self._pair[c[:-1] * self._width + c[1:]]  # -1 (no pair) indexes the "no pair" row
            bigram = self._bigram[pair]
            trigram = self._trigram[pair[:-1] * self._width + c[2:]]
            owner = np.concatenate([message[:-1][bigram >= 0], message[:-2][trigram >= 0]])
            ids = np.concatenate([bigram[bigram >= 0], trigram[trigram >= 0]])
            # Distinct (message, n-gram) pairs in (message, id) order: sort, then drop repeats.
            flat = np.sort(owner * len(self.vocab) + ids)
            if len(flat):
                flat = flat[np.concatenate(([True], flat[1:] != flat[:-1]))]
                owner, ids = flat // len(self.vocab), flat % len(self.vocab)
                # Sequential float32 sums per message, in id order, as np.add.at would give.
                starts = np.flatnonzero(np.concatenate(([True], owner[1:] != owner[:-1])))
                sums[owner[starts]] = np.add.reduceat(self.weights[ids], starts, axis=0)
        return 1.0 / (1.0 + np.exp(-(sums + self.bias)))


@lru_cache(maxsize=1)
def model() -> Model:
    return Model.from_json(json.loads(norm._data(MODEL_FILE)))
