"""Lexicon detector: terms from data/lexicon.tsv found with one Aho-Corasick pass, then checked.

A term counts when (1) no longer term covers it ("涉嫌诈骗" wins over "诈骗"), (2) its context
words, if it needs any, occur near it ("公安局" only as a claim: "我是…公安局"), and (3) no negation
cue sits just before it in the same clause ("不会上门"). Homophone evasions are found by a second
automaton over the pinyin-folded text; those hits score a little lower and say so in `detector`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import ahocorasick

from dunwatch.conduct import normalize as norm

# Between a negation cue and its term: no clause break, no "就/才/否则" (which start the consequence
# of a condition: "不还钱就上门"), and in English only filler words.
_ZH_BREAK = re.compile(r"[,.!?;:\n就才否则]")
_EN_FILLER = frozenset(
    ["a", "an", "the", "be", "ever", "going", "to", "come", "again", "any", "further", "anyone", "we", "i", "you", "it", "that", "this", "be", "been", "being", "affiliated", "with", "associated", "from", "part", "of", "or"])
_EN_BREAK = re.compile(r"[,.!?;:]")
# A set, not a regex: tested one character at a time on the hot path, membership is several times cheaper.
_WORD_CHAR = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_HAS_CJK = re.compile(f"[{norm.CJK}]")


@dataclass(frozen=True)
class Term:
    label: str
    text: str
    score: float
    context: frozenset[str]  # empty: no context needed
    window: int
    negatable: bool
    ascii: bool
    weak: bool  # vague intimidation ("你等着"): counts only when nothing else is found


class Hit(NamedTuple):
    term: int
    start: int
    end: int
    homophone: bool


class Lexicon:
    def __init__(self) -> None:
        sets = {row[0]: frozenset(row[1].split("|")) for row in norm._rows("contexts.tsv")}
        self.debt_words = sets["debt"]
        self._debt_re = re.compile("|".join(re.escape(w) for w in sorted(self.debt_words, key=len, reverse=True)))
        self.terms: list[Term] = []
        fold_ok: list[bool] = []
        for row in norm._rows("lexicon.tsv"):
            label, text, score, context, window, flags = (row + [""] * 6)[:6]
            words: set[str] = set()
            for part in filter(None, context.split("|")):
                words |= sets[part[1:]] if part.startswith("@") else {part}
            flags = flags.split()
            self.terms.append(Term(label, text, float(score), frozenset(words), int(window or 0),
                                   "nonneg" not in flags, text.isascii(), "weak" in flags))
            # Homophones: Chinese terms of three or more characters (two-character words collide
            # with everyday words: 警察 jing-cha ~ 经查) unless flagged fold; never when nofold.
            fold_ok.append(not text.isascii() and "nofold" not in flags and (len(text) >= 3 or "fold" in flags))
        self.cues = {row[0]: int(row[1]) for row in norm._rows("negation.tsv")}
        self._longest_cue = max(len(c) for c in self.cues) + max(self.cues.values())

        by_text: dict[str, list[int]] = {}
        for i, term in enumerate(self.terms):
            by_text.setdefault(term.text, []).append(i)
        self.exact = ahocorasick.Automaton()
        for key, ids in by_text.items():
            self.exact.add_word(key, (len(key), key.isascii(), tuple(ids)))
        self.exact.make_automaton()
        self.cue_automaton = ahocorasick.Automaton()
        for cue, gap in self.cues.items():
            self.cue_automaton.add_word(cue, (len(cue), gap))
        self.cue_automaton.make_automaton()

        folded: dict[str, list[int]] = {}
        for i, term in enumerate(self.terms):
            key = norm.fold_phrase(term.text) if fold_ok[i] else None
            if key:
                folded.setdefault(key, []).append(i)
        self.folded = ahocorasick.Automaton()
        for key, ids in folded.items():
            self.folded.add_word(key, (len(key), tuple(ids)))
        self._has_folded = bool(folded)
        if folded:
            self.folded.make_automaton()

    # -- scanning -------------------------------------------------------------------------------
    def scan(self, text: str, folded: str | None = None) -> list[Hit]:
        """Every term occurrence (exact, then homophone), before any check.

        `folded` is `norm.fold(text)` when the caller has it already (the classifier folds a batch at once)."""
        hits: list[Hit] = []
        n = len(text)
        for end, (length, is_ascii, ids) in self.exact.iter(text):
            start = end - length + 1
            if is_ascii and ((start > 0 and text[start - 1] in _WORD_CHAR) or
                             (end + 1 < n and text[end + 1] in _WORD_CHAR)):
                continue
            for i in ids:
                hits.append(Hit(i, start, end + 1, False))
        if self._has_folded and _HAS_CJK.search(text):
            seen = {(h.start, h.end) for h in hits}
            for end, (length, ids) in self.folded.iter(norm.fold(text) if folded is None else folded):
                start = end - length + 1
                if (start, end + 1) not in seen:
                    hits.extend(Hit(i, start, end + 1, True) for i in ids)
        return hits

    def _negated(self, text: str, start: int) -> bool:
        lo = max(0, start - self._longest_cue)
        for c_end, (length, gap) in self.cue_automaton.iter(text, lo, start):
            c_end += 1
            c_start = c_end - length
            if start - c_end > gap:
                continue
            between = text[c_end:start]
            if text[c_start].isascii():
                if (c_start > 0 and text[c_start - 1] in _WORD_CHAR) or (c_end < len(text) and text[c_end] in _WORD_CHAR):
                    continue  # "no" inside "now", "not" inside "nothing"
                if all(w in _EN_FILLER for w in between.split()) and not _EN_BREAK.search(between):
                    return True
            elif not _ZH_BREAK.search(between):
                return True
        return False

    def _has_context(self, term: Term, hit: Hit, text: str) -> bool:
        lo, hi = (0, len(text)) if term.window == 0 else (max(0, hit.start - term.window), hit.end + term.window)
        for word in term.context:
            at = text.find(word, lo, hi)
            while at != -1:
                end = at + len(word)
                inside = at >= hit.start and end <= hit.end  # a context word inside the term does not count
                bounded = not word.isascii() or not (
                    (at > 0 and text[at - 1] in _WORD_CHAR) or (end < len(text) and text[end] in _WORD_CHAR))
                if not inside and bounded:
                    return True
                at = text.find(word, at + 1, hi)
        return False

    def find(self, text: str, folded: str | None = None) -> tuple[list[Hit], list[Hit]]:
        """(accepted hits, hits cancelled by negation) in normalised `text` (`folded`: see `scan`)."""
        hits = self.scan(text, folded)
        if not hits:
            return [], []
        if len(hits) > 1:
            # Keep maximal hits only: a term inside a longer term is part of that term's meaning.
            hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
            kept: list[Hit] = []
            for h in hits:
                for k in kept:  # a plain loop: any() over a generator costs more on these short lists
                    if k.start <= h.start and h.end <= k.end and (k.end - k.start) > (h.end - h.start):
                        break
                else:
                    kept.append(h)
            hits = kept
        accepted, negated = [], []
        for h in hits:
            term = self.terms[h.term]
            if term.context and not self._has_context(term, h, text):
                continue
            if term.negatable and self._negated(text, h.start):
                negated.append(h)
            else:
                accepted.append(h)
        return accepted, negated

    def debt_spans(self, text: str) -> list[tuple[int, int]]:
        """Where normalised `text` says it is about a debt (欠款, 逾期, owe…)."""
        return [m.span() for m in self._debt_re.finditer(text)]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return Lexicon()
