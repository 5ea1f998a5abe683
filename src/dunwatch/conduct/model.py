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
    weights: np.ndarray  # (len(vocab) + 1, len(labels)); the last row is zero
    bias: np.ndarray
    thresholds: np.ndarray
    info: dict

    def __post_init__(self) -> None:
        self.index = {gram: i for i, gram in enumerate(self.vocab)}
        self.low, self.high = self.info.get("ngram", (2, 3))
        if (self.low, self.high) != (2, 3):
            raise ValueError("the batch featuriser reads character 2- and 3-grams only")
        keys = np.array([_key(g) for g in self.vocab], dtype=np.int64)
        order = np.argsort(keys)
        self._keys, self._ids = keys[order], order.astype(np.intp)

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
        get = self.index.get
        column = self.weights[:, label]
        found = []
        for n in (2, 3):
            grams = map("".join, zip(*(text[k:] for k in range(n))))
            for i, j in enumerate(map(get, grams)):
                if j is not None and column[j] > 0:
                    found.append((column[j], i, i + n))
        found.sort(reverse=True)
        return [(s, e) for _, s, e in found[:top]]

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """Probabilities (len(texts), len(labels)) for normalised texts, featurised all at once.

        Each character is a code point < 0x110000, so a bigram is a*P+b and a trigram (a*P+b)*P+c
        with P = 0x110000: exact, collision-free int64 keys, looked up in the sorted vocabulary."""
        n = len(texts)
        sums = np.zeros((n, len(self.labels)), np.float32)
        if n and len(self._keys):
            joined = "\x00".join(texts) + "\x00"  # NUL separates messages (normalisation removes NUL)
            a = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
            lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.intp, count=n)
            message = np.repeat(np.arange(n, dtype=np.int64), lengths)
            live = a != 0
            found_msg, found_id = [], []
            for keys, ok, owner in (
                (a[:-1] * _P + a[1:], live[:-1] & live[1:], message[:-1]),
                ((a[:-2] * _P + a[1:-1]) * _P + a[2:], live[:-2] & live[1:-1] & live[2:], message[:-2]),
            ):
                pos = np.searchsorted(self._keys, keys)
                pos[pos == len(self._keys)] = 0
                hit = ok & (self._keys[pos] == keys)
                found_msg.append(owner[hit])
                found_id.append(self._ids[pos[hit]])
            pairs = np.unique(np.concatenate(found_msg) * len(self.vocab) + np.concatenate(found_id))
            np.add.at(sums, pairs // len(self.vocab), self.weights[pairs % len(self.vocab)])
        return 1.0 / (1.0 + np.exp(-(sums + self.bias)))


_P = 0x110000


def _key(gram: str) -> int:
    key = 0
    for ch in gram:
        key = key * _P + ord(ch)
    return key


@lru_cache(maxsize=1)
def model() -> Model:
    return Model.from_json(json.loads(norm._data(MODEL_FILE)))
