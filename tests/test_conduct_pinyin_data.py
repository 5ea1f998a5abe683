"""data/pinyin.tsv (conduct/pinyin_data.py) is current, and labelling reads it instead of loading
pypinyin's dictionaries (about 60 MB) at run time."""

from __future__ import annotations

import subprocess
import sys

from pypinyin import Style, lazy_pinyin

from dunwatch.conduct import normalize as norm
from dunwatch.conduct import pinyin_data


def test_the_shipped_readings_are_what_pypinyin_and_the_lexicon_give_now():
    shipped = norm._data(pinyin_data.FILE)
    assert shipped == pinyin_data.build(), "run: python -m dunwatch.conduct.pinyin_data"


def test_labelling_a_homophone_evasion_does_not_load_pypinyin():
    code = ("import sys\n"
            "from dunwatch.conduct.classify import results\n"
            "r = next(results([('a', '再不还钱就让jing察上你家')], with_debt=True))\n"
            "print(sorted(l['label'] for l in r.as_dict()['labels']), 'pypinyin' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    labels, loaded = out.rsplit(" ", 1)
    assert loaded.strip() == "False", out
    assert labels.startswith("[") and labels != "[]", out  # the text was really labelled


def test_a_word_missing_from_the_file_still_folds_by_its_phrase_reading():
    word = "还钱还钱还"  # not a lexicon word, so not in the file
    assert word not in norm._readings()[1]
    rep = norm._homophones()[1]
    expected = "".join(rep[s] for s in lazy_pinyin(word, style=Style.NORMAL, v_to_u=False))
    assert norm.fold_phrase(word) == expected
