"""Text features for the intent classifier: spaCy tokens, word and character n-gram TF-IDF.

Rasa ``synonym`` entries rewrite tokens to their canonical value, ``lookup`` tables and ``regex``
patterns add marker features. Featurising one message is pure Python over a spaCy tokenizer (no
full ``nlp()`` pipeline), so a prediction costs tens of microseconds.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import spacy
from scipy import sparse

_REPEATS = re.compile(r"(\D)\1{2,}")  # "hiiii" -> "hii", "okkk" -> "okk"
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[^\d\s.,])|(?<=[^\d\s.,])(?=\d)")  # "2kg" -> "2 kg"
_DIGITS = str.maketrans({chr(z + d): "0" for z in (0x30, 0x660, 0x6F0, 0x966, 0x9E6) for d in range(10)})
_NUMBER = re.compile(r"0+(?:[.,]0+)*")  # after _DIGITS: "1,000.50" and "7" are both "0"
_TOKENIZER = None
Analysis = tuple[list[str], list[str]]  # a text's word and character features (Featurizer.analyse)


def _tokenizer():  # one shared blank multi-language tokenizer; nothing is downloaded
    global _TOKENIZER
    if _TOKENIZER is None:
        _TOKENIZER = spacy.blank("xx").tokenizer
    return _TOKENIZER


def normalise(text: str) -> str:
    """Lower-case, unify Unicode forms, map every number (Devanagari digits too) to '0', split '2kg'.
    Which number a message holds, or how long it is, says nothing of what the message wants."""
    text = _NUMBER.sub("0", unicodedata.normalize("NFKC", text).lower().translate(_DIGITS))
    return _REPEATS.sub(r"\1\1", _DIGIT_LETTER.sub(" ", text))


_SUFFIXES = ("ing", "ies", "ied", "es", "ed", "ly", "s")


def stem(word: str) -> str:
    """A light suffix stripper for English words; short words and Devanagari stay as they are."""
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix) and word.isascii():
            return word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
    return word


def _phrase_table(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, ...], str]:
    tok = _tokenizer()
    return {tuple(t.text for t in tok(normalise(k))): v for k, v in pairs if k.strip()}


@dataclass
class FeatureConfig:
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    min_df: int = 1  # word features seen in fewer documents are dropped
    char_min_df: int = 2
    char_weight: float = 1.0  # weight of the character block against the word block
    stems: bool = False  # also add light English suffix-stripped stems ("orders" -> "order")


@dataclass
class Featurizer:
    """Turns raw text into word-level and character-level feature strings."""

    synonyms: dict[str, str] = field(default_factory=dict)
    lookups: dict[str, list[str]] = field(default_factory=dict)
    regexes: dict[str, list[str]] = field(default_factory=dict)
    config: FeatureConfig = field(default_factory=FeatureConfig)

    def __post_init__(self) -> None:
        self._syn = {k: v.split() for k, v in _phrase_table(
            (k, normalise(v)) for k, v in self.synonyms.items()).items()}
        self._lookup: dict[tuple[str, ...], set[str]] = {}
        for name, entries in self.lookups.items():
            for phrase in _phrase_table((e, name) for e in entries):
                self._lookup.setdefault(phrase, set()).add(name)
        self._span = max((len(p) for p in [*self._syn, *self._lookup]), default=1)
        self._regex = [(name, re.compile(p, re.IGNORECASE)) for name, ps in self.regexes.items() for p in ps]

    def tokens(self, text: str) -> list[str]:
        """Normalised tokens with synonyms replaced by their canonical value."""
        toks = [t.text for t in _tokenizer()(normalise(text)) if not t.is_space]
        if not self._syn:
            return toks
        out: list[str] = []
        i = 0
        while i < len(toks):
            for n in range(min(self._span, len(toks) - i), 0, -1):
                canonical = self._syn.get(tuple(toks[i : i + n]))
                if canonical is not None:
                    out.extend(canonical)
                    i += n
                    break
            else:
                out.append(toks[i])
                i += 1
        return out

    def markers(self, text: str, toks: Sequence[str]) -> list[str]:
        """Lookup-table and regex marker features."""
        found: set[str] = set()
        if self._lookup:
            for i in range(len(toks)):
                for n in range(1, min(self._span, len(toks) - i) + 1):
                    found.update(self._lookup.get(tuple(toks[i : i + n]), ()))
        marks = [f"#lookup:{name}" for name in sorted(found)]
        marks += [f"#regex:{name}" for name, rx in self._regex if rx.search(text)]
        return marks

    def analyse(self, text: str) -> Analysis:
        """(word features, character features) of one text."""
        toks = self.tokens(text)
        lo, hi = self.config.word_ngrams
        words = [" ".join(toks[i : i + n]) for n in range(lo, hi + 1) for i in range(len(toks) - n + 1)]
        if self.config.stems:
            words += [f"#stem:{s}" for t in toks if (s := stem(t)) != t]
        words += self.markers(text, toks)
        lo, hi = self.config.char_ngrams
        line = f" {' '.join(toks)} "  # character n-grams run across word boundaries too
        chars = [line[i : i + n] for n in range(lo, hi + 1) for i in range(len(line) - n + 1)]
        return words, chars


@dataclass
class TfidfBlock:
    """Vocabulary and smoothed IDF of one feature block (sub-linear TF, L2-normalised rows)."""

    vocab: dict[str, int]
    idf: np.ndarray

    @classmethod
    def fit(cls, docs: Sequence[Sequence[str]], min_df: int) -> TfidfBlock:
        df = Counter(f for doc in docs for f in set(doc))
        kept = sorted(f for f, c in df.items() if c >= min_df)
        n = len(docs)
        idf = np.array([math.log((1 + n) / (1 + df[f])) + 1.0 for f in kept], dtype=np.float32)
        return cls({f: i for i, f in enumerate(kept)}, idf)

    def table(self, offset: int) -> dict[str, tuple[int, float]]:
        """feature -> (column, idf), for featurising one message with a single dict lookup."""
        return {f: (offset + j, float(self.idf[j])) for f, j in self.vocab.items()}


def _collect(table: dict[str, tuple[int, float]], feats: Iterable[str], idx: list[int], vals: list[float]) -> None:
    """Append the sub-linear TF-IDF entries (not yet normalised) of one block."""
    get = table.get
    for f, count in Counter(feats).items():
        hit = get(f)
        if hit is not None:
            idx.append(hit[0])
            vals.append(hit[1] if count == 1 else (1.0 + math.log(count)) * hit[1])


@dataclass
class Vectoriser:
    """Featurizer plus fitted TF-IDF blocks: text -> sparse row."""

    featurizer: Featurizer
    words: TfidfBlock
    chars: TfidfBlock

    def __post_init__(self) -> None:
        self._words = self.words.table(0)
        self._chars = self.chars.table(len(self.words.vocab))

    @classmethod
    def fit(cls, featurizer: Featurizer, texts: Sequence[str], analysed: Sequence[Analysis] | None = None
            ) -> Vectoriser:
        """Vocabularies and IDF of ``texts``; ``analysed`` gives their ``featurizer.analyse``, if known."""
        cfg = featurizer.config
        if analysed is None:
            analysed = [featurizer.analyse(t) for t in texts]
        return cls(
            featurizer,
            TfidfBlock.fit([w for w, _ in analysed], cfg.min_df),
            TfidfBlock.fit([c for _, c in analysed], cfg.char_min_df),
        )

    @property
    def dim(self) -> int:
        return len(self.words.vocab) + len(self.chars.vocab)

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and values of one text's feature vector."""
        idx, vals, _known = self.row_and_known(text)
        return idx, vals

    def row_and_known(self, text: str) -> tuple[np.ndarray, np.ndarray, float]:
        """``row`` and the share of the text's words (with a letter in them) that the training data
        had, 0.0 for none: little of a message known means the heads' confidence rests on character
        n-grams and numbers alone ("covid19", "000a00")."""
        return self.row_of(*self.featurizer.analyse(text))

    def row_of(self, words: Sequence[str], chars: Sequence[str]) -> tuple[np.ndarray, np.ndarray, float]:
        """``row_and_known`` of a text from its ``featurizer.analyse``."""
        unigrams = [w for w in words if " " not in w and not w.startswith("#") and len(w) > 1 and not w.isdigit()]
        known = sum(w in self._words for w in unigrams) / len(unigrams) if unigrams else 0.0
        idx: list[int] = []
        vals: list[float] = []
        _collect(self._words, words, idx, vals)
        split = len(vals)
        _collect(self._chars, chars, idx, vals)
        v = np.array(vals, dtype=np.float32)
        for block, weight in ((v[:split], 1.0), (v[split:], self.featurizer.config.char_weight)):
            norm = float(np.sqrt(block @ block))
            if norm:
                block *= weight / norm  # views: scales v in place
        return np.array(idx, dtype=np.intp), v, known

    def matrix(self, texts: Sequence[str], analysed: Sequence[Analysis] | None = None) -> sparse.csr_matrix:
        """Rows of ``texts``; ``analysed`` gives their ``featurizer.analyse``, if known."""
        if analysed is None:
            analysed = [self.featurizer.analyse(t) for t in texts]
        rows = [self.row_of(words, chars)[:2] for words, chars in analysed]
        indptr = np.cumsum([0] + [len(i) for i, _ in rows])
        indices = np.concatenate([i for i, _ in rows]) if rows else np.zeros(0, np.int64)
        data = np.concatenate([v for _, v in rows]) if rows else np.zeros(0, np.float32)
        return sparse.csr_matrix((data, indices, indptr), shape=(len(texts), self.dim), dtype=np.float32)


def augment_with_typos(
    examples: Sequence[tuple[str, str]], per_example: int = 1, seed: int = 0
) -> list[tuple[str, str]]:
    """Extra examples with one typing slip each (swapped, dropped or doubled letter in a word)."""
    rng = random.Random(seed)
    extra: list[tuple[str, str]] = []
    for text, intent in examples:
        words = text.split()
        long = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
        for _ in range(per_example if long else 0):
            i = rng.choice(long)
            w, j = words[i], rng.randrange(1, len(words[i]) - 1)
            slip = rng.choice((w[:j] + w[j + 1] + w[j] + w[j + 2 :], w[:j] + w[j + 1 :], w[:j] + w[j] + w[j:]))
            extra.append((" ".join([*words[:i], slip, *words[i + 1 :]]), intent))
    return extra


def augment_with_lookups(
    examples: Sequence[tuple[str, str]], lookups: dict[str, list[str]], per_example: int = 1, seed: int = 0
) -> list[tuple[str, str]]:
    """Extra examples made by swapping a lookup-table entry found in a text for another entry."""
    rng = random.Random(seed)
    tables = [(name, entries, re.compile(r"(?<!\w)(" + "|".join(
        re.escape(e) for e in sorted(entries, key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE))
        for name, entries in sorted(lookups.items()) if entries]
    extra: list[tuple[str, str]] = []
    for text, intent in examples:
        for _name, entries, rx in tables:
            if len(entries) < 2 or not rx.search(text):
                continue
            for _ in range(per_example):
                extra.append((rx.sub(lambda _m, es=entries: rng.choice(es), text), intent))
    return extra


def noise_examples(texts: Sequence[str], count: int, seed: int = 0) -> list[str]:
    """Gibberish messages (one to three 5-12 letter 'words' drawn from the letters of ``texts``),
    to teach the heads that text like none of the training data is out of scope."""
    rng = random.Random(seed)
    letters = [c for t in texts for c in normalise(t) if c.isalpha()]
    if not letters:
        return []
    return [" ".join("".join(rng.choice(letters) for _ in range(rng.randint(5, 12)))
                     for _ in range(rng.randint(1, 3))) for _ in range(count)]
