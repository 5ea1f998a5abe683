"""Normalise a message before matching, keeping a map back to the original text.

Collectors write to defeat keyword filters: traditional characters, full-width letters, characters
split by spaces or symbols ("还 钱", "公-安"), pinyin or homophones for sensitive words ("jing察",
"尚门"), emoji for weapons. Matching runs on normalised text; every span found there is mapped back
to the ORIGINAL text, because a span is evidence and must point at the words the collector wrote.

Two stages:
- `same_length` maps character to character (traditional→simplified, full-width→half-width, A-Z→a-z),
  so its offsets are the original offsets. Personal-data detectors run on it.
- `normalize` also removes separators inside Chinese words, drops zero-width characters, replaces
  emoji with words and pinyin syllables with a character of the same sound. It returns the text and,
  when it changed the length, the original (start, end) of every output character.
`fold` maps every Chinese character to one representative of its pinyin (tones dropped), so
homophone evasions ("做牢" for "坐牢") meet their word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from dunwatch.conduct import pinyin_data

CJK = "\u3400-\u9fff"
_HAS_CJK = re.compile(f"[{CJK}]")
# Separators a sender puts between the characters of one word. Sentence punctuation (，。,!? …) is
# kept: removing it would join clauses and let a negation in one clause reach a word in the next.
_SEP = r"\s\-_*.·•/\\|~+=#^`'\"()\[\]<>{}"
_ZERO_WIDTH = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\ufe0f\ufe0e"
_ASCII_WORD = re.compile(r"[a-z]+")


def _data(name: str) -> str:
    return resources.files("dunwatch.conduct").joinpath("data").joinpath(name).read_text(encoding="utf-8")


def _rows(name: str) -> list[list[str]]:
    out = []
    for line in _data(name).splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(line.split("\t"))
    return out


@lru_cache(maxsize=1)
def _char_table() -> dict[int, str]:
    """One translate table: traditional→simplified (OpenCC character list), full→half width, A-Z→a-z."""
    import opencc

    table: dict[int, str] = {}
    ts = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    for line in ts.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1:
            target = parts[1].split(" ")[0]
            if len(target) == 1 and target != parts[0]:
                table[ord(parts[0])] = target
    for cp in range(0xFF01, 0xFF5F):  # full-width ASCII block
        table[cp] = chr(cp - 0xFEE0)
    table[0x3000] = " "  # ideographic space
    table[0] = " "  # NUL separates messages inside a batch (model.probabilities)
    # Chinese punctuation that has an ASCII twin: one form to match on.
    for a, b in {"，": ",", "。": ".", "！": "!", "？": "?", "；": ";", "：": ":"}.items():
        table[ord(a)] = b
    for cp in range(ord("A"), ord("Z") + 1):
        table[cp] = chr(cp + 32)
    for cp, ch in list(table.items()):  # full-width capitals end lower-case too
        if "A" <= ch <= "Z":
            table[cp] = ch.lower()
    return table


def same_length(text: str) -> str:
    """Character-for-character normalisation; offsets are those of `text`."""
    return text.translate(_char_table())


def same_length_many(texts: list[str]) -> list[str]:
    """`same_length` of each text, for a batch (what the classifier uses)."""
    return _translate_many(texts, _code_point_array("same_length"))


def _translate_many(texts: list[str], table: np.ndarray) -> list[str]:
    """`str.translate` over a batch with a code-point array instead of a dict.

    str.translate looks a dict up for every character (~0.1 µs each); here the whole batch is one
    UTF-32 array indexed into `table`. The tables map one character to one character, so each
    text's slice of the result lines up with it. `surrogatepass`: hostile input may hold lone
    surrogates, which str.translate passes through unchanged, and so does this."""
    joined = "".join(texts)
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    out = table[points].tobytes().decode("utf-32-le", "surrogatepass")
    pieces, at = [], 0
    for text in texts:
        pieces.append(out[at:at + len(text)])
        at += len(text)
    return pieces


@lru_cache(maxsize=2)
def _code_point_array(name: str) -> np.ndarray:
    """The translate table `name` ("same_length" or "fold") as an array over all code points."""
    mapping = _char_table() if name == "same_length" else _homophones()[0]
    table = np.arange(0x110000, dtype=np.uint32)
    for cp, ch in mapping.items():
        if len(ch) != 1:
            raise ValueError(f"{name}: {chr(cp)!r} maps to {ch!r}, not one character")
        table[cp] = ord(ch)
    return table


# -- pinyin and homophones ----------------------------------------------------------------------

@lru_cache(maxsize=1)
def _readings() -> tuple[dict[int, str], dict[str, list[str]]]:
    """(character → its first toneless syllable, lexicon word → its syllables) from data/pinyin.tsv
    (see pinyin_data.py: shipped so that labelling does not load pypinyin)."""
    chars: dict[int, str] = {}
    words: dict[str, list[str]] = {}
    for kind, key, value in _rows(pinyin_data.FILE):
        if kind == "c":
            chars[ord(key)] = value
        else:
            words[key] = value.split(" ")
    return chars, words


@lru_cache(maxsize=1)
def _homophones() -> tuple[dict[int, str], dict[str, str]]:
    """(translate table char→representative, syllable→representative) from pypinyin's dictionary.

    Each character takes its first (most common) reading; the representative of a syllable is the
    lowest code point that has it (common block first), so the choice is stable across runs and machines."""
    first = _readings()[0]
    rep: dict[str, str] = {}
    for cp in sorted(first, key=lambda c: (c < 0x4E00, c)):  # prefer the common block
        rep.setdefault(first[cp], chr(cp))
    table = {cp: rep[s] for cp, s in first.items() if rep[s] != chr(cp)}
    return table, rep


def fold(text: str) -> str:
    """Same length as `text`; every Chinese character replaced by its sound's representative."""
    return text.translate(_homophones()[0])


def fold_many(texts: list[str]) -> list[str]:
    """`fold` of each text, for a batch."""
    return _translate_many(texts, _code_point_array("fold"))


def fold_phrase(word: str) -> str | None:
    """Fold a Chinese lexicon word using phrase-aware readings (还钱 → huan qian, not hai qian).

    None for words that are not all Chinese characters (they are matched exactly only)."""
    if not word or not all(_HAS_CJK.match(ch) for ch in word):
        return None
    rep = _homophones()[1]
    syllables = _readings()[1].get(word)
    if syllables is None:  # a word added to the lexicon since data/pinyin.tsv was built
        from pypinyin import Style, lazy_pinyin

        syllables = lazy_pinyin(word, style=Style.NORMAL, v_to_u=False)
    if len(syllables) != len(word):
        return None
    return "".join(rep.get(s.replace("ü", "v"), ch) for s, ch in zip(syllables, word))


def _split_pinyin(run: str, syllables: dict[str, str]) -> list[str] | None:
    """Split a lower-case ASCII run into pinyin syllables (longest match first), or None."""
    out, i = [], 0
    while i < len(run):
        for n in range(min(6, len(run) - i), 0, -1):
            if run[i:i + n] in syllables:
                out.append(run[i:i + n])
                i += n
                break
        else:
            return None
    return out


# -- the normaliser ------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _tables():
    emoji = {}
    for row in _rows("emoji.tsv"):
        emoji[row[0]] = (row[1], row[2])
    evasions = {row[0]: row[1] for row in _rows("evasions.tsv")}
    emoji_alt = "|".join(re.escape(e) for e in sorted(emoji, key=len, reverse=True))
    edits = re.compile(
        f"(?P<sep>(?<=[{CJK}])[{_SEP}]+(?=[{CJK}]))|(?P<zw>[{_ZERO_WIDTH}]+)|(?P<emo>{emoji_alt})")
    return emoji, evasions, edits


@dataclass(frozen=True)
class Normalized:
    text: str
    # Original (start, end) of each character of `text`; None when `text` lines up with the original.
    src: tuple[tuple[int, int], ...] | None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map [start, end) in the normalised text to the original text."""
        if self.src is None:
            return start, end
        return self.src[start][0], self.src[end - 1][1]


def normalize(text: str, base: str | None = None) -> Normalized:
    """`base` is `same_length(text)` when the caller has it already."""
    base = same_length(text) if base is None else base
    emoji, evasions, edits = _tables()
    has_cjk = _HAS_CJK.search(base) is not None
    sites: list[tuple[int, int, str]] = []  # (start, end, replacement) in `base`
    for m in edits.finditer(base):
        kind = m.lastgroup
        if kind == "emo":
            zh, en = emoji[m.group()]
            sites.append((m.start(), m.end(), zh if has_cjk else f" {en} "))
        else:
            sites.append((m.start(), m.end(), ""))
    if has_cjk:
        syllables = _homophones()[1]
        for m in _ASCII_WORD.finditer(base):
            word = m.group()
            if word in evasions:
                sites.append((m.start(), m.end(), evasions[word]))
                continue
            # Pinyin only where it touches Chinese ("jing察") or spells two or more syllables.
            touches = (m.start() > 0 and _HAS_CJK.match(base[m.start() - 1])) or (
                m.end() < len(base) and _HAS_CJK.match(base[m.end()]))
            parts = _split_pinyin(word, syllables) if len(word) >= 2 else None
            if parts and (touches or len(parts) >= 2):
                at = m.start()
                for p in parts:  # one character per syllable, each mapped to its own letters
                    sites.append((at, at + len(p), syllables[p]))
                    at += len(p)
    if not sites:
        return Normalized(base, None)
    sites.sort()
    out: list[str] = []
    src: list[tuple[int, int]] = []
    pos = 0
    for start, end, repl in sites:
        if start < pos:
            continue  # overlapping sites (an emoji inside a separator run): first one wins
        out.append(base[pos:start])
        src.extend((i, i + 1) for i in range(pos, start))
        out.append(repl)
        src.extend([(start, end)] * len(repl))
        pos = end
    out.append(base[pos:])
    src.extend((i, i + 1) for i in range(pos, len(base)))
    return Normalized("".join(out), tuple(src))
