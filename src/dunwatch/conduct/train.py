"""Train the statistical layer on the corpus's train split; reproducible (fixed seed, fixed split).

    python -m dunwatch.conduct.train [--corpus corpus/conduct/examples.jsonl] [--out model.json]

Steps: character 2-3-grams of normalised text; keep those in at least two training messages and
rank them by chi-squared against each label; one-vs-rest logistic regression (full-batch gradient
descent, L2, positives up-weighted); then per-label thresholds chosen on 4-fold out-of-fold
predictions of the whole classifier (lexicon OR model), so a threshold is set by messages the
model did not see. The held-out split is never used here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np

from dunwatch.conduct import classify as classifier
from dunwatch.conduct.corpus import Example, default_path, load
from dunwatch.conduct.labels import CONDUCT, LABELS, LAWFUL
from dunwatch.conduct.model import MODEL_FILE, Model, ngrams
from dunwatch.conduct.normalize import normalize

SEED = 20261129
NGRAM = (2, 3)
VOCAB_SIZE = 4000
EPOCHS = 400
LEARNING_RATE = 2.0
L2 = 1e-3
FOLDS = 4
GRID = [round(0.3 + 0.05 * i, 2) for i in range(13)]  # 0.30 … 0.90


def _useful(gram: str) -> bool:
    return any(ch.isalpha() for ch in gram)


def select_vocab(texts: list[str], y: np.ndarray) -> list[str]:
    docs = [{g for g in ngrams(t, *NGRAM) if _useful(g)} for t in texts]
    df: dict[str, int] = {}
    for d in docs:
        for g in d:
            df[g] = df.get(g, 0) + 1
    vocab = sorted(g for g, c in df.items() if c >= 2)
    if not vocab:
        return []
    index = {g: i for i, g in enumerate(vocab)}
    x = np.zeros((len(texts), len(vocab)), np.float32)
    for row, d in enumerate(docs):
        for g in d:
            if g in index:
                x[row, index[g]] = 1.0
    n = len(texts)
    # chi-squared of each n-gram against each label (2x2 table), best label wins.
    a = x.T @ y                      # gram & label
    b = x.sum(0)[:, None] - a        # gram & not label
    c = y.sum(0)[None, :] - a        # label & not gram
    d = n - a - b - c
    chi2 = n * (a * d - b * c) ** 2 / np.maximum((a + b) * (c + d) * (a + c) * (b + d), 1e-9)
    best = chi2.max(1)
    order = sorted(range(len(vocab)), key=lambda i: (-best[i], vocab[i]))[:VOCAB_SIZE]
    return sorted(vocab[i] for i in order)


def featurize(texts: list[str], vocab: list[str]) -> np.ndarray:
    index = {g: i for i, g in enumerate(vocab)}
    x = np.zeros((len(texts), len(vocab)), np.float32)
    for row, t in enumerate(texts):
        for g in ngrams(t, *NGRAM):
            i = index.get(g)
            if i is not None:
                x[row, i] = 1.0
    return x


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = x.shape[0]
    positives = y.sum(0)
    weight = np.where(y == 1, np.clip((n - positives) / np.maximum(positives, 1), 1.0, 5.0), 1.0)
    w = np.zeros((x.shape[1], y.shape[1]), np.float32)
    b = np.zeros(y.shape[1], np.float32)
    for _ in range(EPOCHS):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        g = (p - y) * weight / n
        w -= LEARNING_RATE * (x.T @ g + L2 * w)
        b -= LEARNING_RATE * g.sum(0)
    return w, b


def _labels_matrix(examples: list[Example]) -> np.ndarray:
    y = np.zeros((len(examples), len(LABELS)), np.float32)
    for i, ex in enumerate(examples):
        for label in ex.labels:
            y[i, LABELS.index(label)] = 1.0
    return y


def _model(vocab, w, b, thresholds, info) -> Model:
    weights = np.vstack([w, np.zeros((1, len(LABELS)), np.float32)]).astype(np.float16).astype(np.float32)
    return Model(LABELS, vocab, weights, b.astype(np.float32), np.asarray(thresholds, np.float32), info)


def _without_model() -> Model:
    """A model that never fires: what the lexicon and personal-data detectors find alone."""
    return Model(LABELS, [], np.zeros((1, len(LABELS)), np.float32), np.full(len(LABELS), -30.0, np.float32),
                 np.full(len(LABELS), 2.0, np.float32), {})


def _f1(pred: np.ndarray, gold: np.ndarray) -> float:
    tp = float((pred & gold).sum())
    fp = float((pred & ~gold).sum())
    fn = float((~pred & gold).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def choose_thresholds(examples: list[Example], texts: list[str], y: np.ndarray) -> list[float]:
    rng = np.random.default_rng(SEED)
    fold = rng.permutation(len(examples)) % FOLDS
    oof = np.zeros_like(y)
    for k in range(FOLDS):
        train, test = fold != k, fold == k
        vocab = select_vocab([t for t, m in zip(texts, train) if m], y[train])
        w, b = fit(featurize([t for t, m in zip(texts, train) if m], vocab), y[train])
        x_test = featurize([t for t, m in zip(texts, test) if m], vocab)
        oof[test] = 1.0 / (1.0 + np.exp(-(x_test @ w + b)))
    lexical = np.zeros(y.shape, bool)
    for i, result in enumerate(classifier.results(((ex.id, ex.text) for ex in examples), _without_model())):
        for label in result.labels:
            lexical[i, LABELS.index(label)] = True
    gold = y.astype(bool)
    thresholds = []
    for j, label in enumerate(LABELS):
        if label == LAWFUL:
            thresholds.append(0.5)
            continue
        # Highest F1; on ties the higher threshold (fewer model-only labels on lawful reminders).
        best = max(GRID, key=lambda t: (_f1(lexical[:, j] | (oof[:, j] >= t), gold[:, j]), t))
        thresholds.append(best)
    return thresholds


def train(examples: list[Example], corpus_sha256: str = "") -> Model:
    data = [ex for ex in examples if ex.split == "train"]
    texts = [normalize(ex.text).text for ex in data]
    y = _labels_matrix(data)
    thresholds = choose_thresholds(data, texts, y)
    vocab = select_vocab(texts, y)
    w, b = fit(featurize(texts, vocab), y)
    info = {"corpus_sha256": corpus_sha256, "train_examples": len(data), "seed": SEED, "ngram": list(NGRAM),
            "vocab": len(vocab), "epochs": EPOCHS, "learning_rate": LEARNING_RATE, "l2": L2,
            "conduct_labels": list(CONDUCT)}
    return _model(vocab, w, b, thresholds, info)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dunwatch.conduct.train", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(default_path()))
    parser.add_argument("--out", default=str(Path(__file__).parent / "data" / MODEL_FILE))
    args = parser.parse_args(argv)
    print(train_and_write(args.corpus, args.out))
    return 0


def train_and_write(corpus: str | Path, out: str | Path) -> str:
    raw = Path(corpus).read_bytes() if Path(corpus).is_file() else b""
    examples = load(corpus)
    model = train(examples, hashlib.sha256(raw).hexdigest())
    Path(out).write_text(json.dumps(model.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    thresholds = ", ".join(f"{label}={t:.2f}" for label, t in zip(model.labels, model.thresholds))
    return (f"trained on {model.info['train_examples']} messages, {len(model.vocab)} n-grams; wrote {out}\n"
            f"thresholds: {thresholds}")


if __name__ == "__main__":
    raise SystemExit(main())
