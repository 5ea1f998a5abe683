"""The statistical layer: shipped model matches the corpus, training is reproducible, the corpus is sound."""

import hashlib
import json

import numpy as np

from dunwatch.conduct import corpus, train
from dunwatch.conduct.labels import LABELS, LAWFUL
from dunwatch.conduct.model import model, ngrams
from dunwatch.conduct.normalize import normalize


def test_shipped_model_was_trained_on_this_corpus():
    m = model()
    digest = hashlib.sha256(corpus.default_path().read_bytes()).hexdigest()
    assert m.info["corpus_sha256"] == digest, "corpus changed: run `dunwatch conduct train`"
    assert m.labels == LABELS and len(m.vocab) <= train.VOCAB_SIZE


def test_corpus_has_sources_a_fixed_split_and_both_languages():
    examples = corpus.load()
    assert all(ex.source for ex in examples)
    assert {ex.lang for ex in examples} == {"zh", "en"}
    held = [ex for ex in examples if ex.split == "heldout"]
    assert 0.15 < len(held) / len(examples) < 0.35
    for label in LABELS:
        assert any(label in ex.labels for ex in held), label
    assert all(ex.labels == (LAWFUL,) for ex in examples if LAWFUL in ex.labels)
    quoted = [ex for ex in examples if ex.quoted]
    assert quoted and all("http" in ex.source for ex in quoted)


def test_batch_featuriser_equals_the_plain_definition():
    m = model()
    texts = [normalize(t).text for t in ["再不还钱就上门", "Pay now or go to jail", "", "a", "還 錢!!"]]
    probs = m.probabilities(texts)
    for text, row in zip(texts, probs):
        ids = sorted({m.index[g] for g in ngrams(text, 2, 3) if g in m.index})
        expected = 1 / (1 + np.exp(-(m.weights[ids].sum(0) + m.bias)))
        assert np.allclose(row, expected, atol=1e-6)


def test_training_is_reproducible(tmp_path, monkeypatch):
    # A small slice keeps this fast; the full run is `dunwatch conduct train`.
    monkeypatch.setattr(train, "EPOCHS", 60)
    examples = [ex for ex in corpus.load() if ex.split == "train"][::3]
    a = train.train(examples, "x").to_json()
    b = train.train(examples, "x").to_json()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert a["vocab"] and len(a["thresholds"]) == len(LABELS)
