"""Statistical layer: one-vs-rest logistic regression over character n-grams of normalised text.

It catches paraphrases the lexicon has no word for. The model is small (a few thousand n-grams,
float16 weights) and ships as data/model.json; `python -m dunwatch.conduct.train` rebuilds it
from corpus/conduct with a fixed seed. N-grams are found with an Aho-Corasick automaton over the
vocabulary, so featurising costs one pass over the text.
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
    weights: np.ndarray  # (len(vocab) + 1, len(labels)); the last row is zero (empty messages)
    bias: np.ndarray
    thresholds: np.ndarray
    info: dict

    def __post_init__(self) -> None:
        self.index = {gram: i for i, gram in enumerate(self.vocab)}
        self.low, self.high = self.info.get("ngram", (2, 3))
        self.empty = len(self.vocab)

    @classmethod
    def from_json(cls, data: dict) -> "Model":
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

    def features(self, text: str) -> list[int]:
        """Vocabulary ids of the n-grams in normalised `text` (repeats allowed: presence is what counts)."""
        get = self.index.get
        out = []
        for n in range(self.low, self.high + 1):
            for i in range(len(text) - n + 1):
                j = get(text[i:i + n])
                if j is not None:
                    out.append(j)
        return list(set(out))

    def top_spans(self, text: str, label: int, top: int = 3) -> list[tuple[int, int]]:
        """The n-grams of `text` that push `label` up most: what a reader should look at."""
        found = []
        for n in range(self.low, self.high + 1):
            for i in range(len(text) - n + 1):
                j = self.index.get(text[i:i + n])
                if j is not None and self.weights[j, label] > 0:
                    found.append((float(self.weights[j, label]), i, i + n))
        return [(s, e) for _, s, e in sorted(found, reverse=True)[:top]]

    def probabilities(self, batch: list[list[int]]) -> np.ndarray:
        """Probabilities (len(batch), len(labels)) for messages given as lists of vocabulary ids."""
        if not batch:
            return np.zeros((0, len(self.labels)), np.float32)
        flat: list[int] = []
        starts: list[int] = []
        for ids in batch:
            starts.append(len(flat))
            flat.extend(ids)
            flat.append(self.empty)  # keeps every segment non-empty for reduceat
        sums = np.add.reduceat(self.weights[np.asarray(flat, dtype=np.intp)], np.asarray(starts, dtype=np.intp), axis=0)
        return 1.0 / (1.0 + np.exp(-(sums + self.bias)))


@lru_cache(maxsize=1)
def model() -> Model:
    return Model.from_json(json.loads(norm._data(MODEL_FILE)))
