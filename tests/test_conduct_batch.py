"""The batch fast paths give exactly what the one-at-a-time functions give."""

from hypothesis import given, settings
from hypothesis import strategies as st

from dunwatch.conduct import classify as classify_mod
from dunwatch.conduct import normalize

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
chinese = st.text(st.sampled_from(list("還錢公安局你媽ＡＢ１２３ 　還款上門老賴借新還舊") + ["😡", "\u200b"]), max_size=30)


@settings(max_examples=200, deadline=None)  # the first call builds the lookup tables
@given(batch=st.lists(st.one_of(texts, chinese), max_size=8))
def test_batch_normalisation_equals_single(batch):
    assert normalize.same_length_many(batch) == [normalize.same_length(t) for t in batch]
    assert normalize.fold_many(batch) == [normalize.fold(t) for t in batch]


def test_memo_with_eviction_equals_full_results(monkeypatch):
    base = ["再不还钱就上门", "我是市公安局经侦大队的", "【示例】您的借款已逾期，请还款。", "你这种老赖", "hello"]
    items = [(f"id{i}", base[(i * 7) % len(base)] + ("" if i % 3 else "！")) for i in range(40)]
    monkeypatch.setattr(classify_mod, "MEMO_SIZE", 3)
    monkeypatch.setattr(classify_mod, "BATCH", 7)
    got = list(classify_mod.classify_many(items))
    want = [r.as_dict() for r in classify_mod.results((text, text) for _, text in items)]
    assert [g["id"] for g in got] == [i for i, _ in items]
    assert [{k: v for k, v in g.items() if k != "id"} for g in got] == [{k: v for k, v in w.items() if k != "id"} for w in want]
    got[0]["labels"].clear()  # a caller changing its copy leaves later answers alone
    assert list(classify_mod.classify_many(items[:1]))[0] == {**want[0], "id": "id0"}
