"""Normalisation: evasions meet their words, and every normalised character maps back to the original."""

from hypothesis import given, settings
from hypothesis import strategies as st

from dunwatch.conduct.normalize import fold, fold_phrase, normalize, same_length


def test_traditional_full_width_and_case_keep_length():
    text = "還錢！ＰＡＹ　ＮＯＷ"
    out = same_length(text)
    assert out == "还钱!pay now"
    assert len(out) == len(text)


def test_split_characters_are_joined_and_mapped_back():
    text = "公-安 已经 立*案，快 还 钱"
    n = normalize(text)
    assert "公安" in n.text and "立案" in n.text and "还钱" in n.text
    i = n.text.index("立案")
    s, e = n.original_span(i, i + 2)
    assert text[s:e] == "立*案"


def test_sentence_punctuation_is_not_removed():
    # Removing "，" would join clauses and let "不" in one reach a word in the next.
    assert "," in normalize("不还，就上门").text


def test_pinyin_next_to_chinese_becomes_a_character_of_the_same_sound():
    n = normalize("我是jing察")
    assert fold(n.text) == fold_phrase("我是警察")
    s, e = n.original_span(2, 3)
    assert "我是jing察"[s:e] == "jing"


def test_english_words_are_not_read_as_pinyin():
    assert normalize("he can pay").text == "he can pay"


def test_homophones_fold_to_the_same_text():
    assert fold("做牢") == fold_phrase("坐牢")
    assert fold_phrase("还钱") == fold("环钱")  # phrase reading huan-qian, not hai-qian
    assert fold("上门") != fold("出门")


def test_emoji_become_words_in_the_language_of_the_message():
    zh = normalize("不还就🔪")
    en = normalize("pay or 🔪")
    assert "刀" in zh.text and "knife" in en.text
    i = zh.text.index("刀")
    assert zh.original_span(i, i + 1) == (3, 4)


def test_zero_width_characters_are_dropped():
    n = normalize("上\u200b门")
    assert n.text == "上门" and n.original_span(0, 2) == (0, 3)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("还钱公安上门坐牢 -*.·jingcaABC１２還錢🔪\u200b,，abc")), max_size=40))
def test_offset_map_is_monotonic_and_inside_the_original(text):
    n = normalize(text)
    assert len(same_length(text)) == len(text)
    for i in range(len(n.text)):
        s, e = n.original_span(i, i + 1)
        assert 0 <= s < e <= len(text)
        if i:
            assert n.original_span(i - 1, i)[0] <= s
