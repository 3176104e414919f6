"""Split a message into item spans: lines, list markers, separators, and runs of amounts."""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from nlu.edits import is_also
from nlu.lexicon import CONNECTORS, NEGATIONS, NOT_PRODUCT, SEPARATOR_WORDS, STOPWORDS, strip_suffix
from nlu.normalize import tokenize
from nlu.packs import without_price_points
from nlu.quantities import Amount, find_amounts
from nlu.units import UnitTable

_LIST_MARKER = re.compile(r"^\s*(?:\(?\d{1,2}\s*[.)](?!\d)|[-*•·>]+|\d{1,2}\s*[:-](?=\s*[^\d\s]))\s*")
_SEPARATORS = re.compile(
    r"\s*[,;+&|/]\s*|\s+(?:" + "|".join(sorted(SEPARATOR_WORDS)) + r")\s+|\s*[।]\s*"
)
_SIGNS = re.compile(r"[&+]")
_GLUE = "\u2063"  # invisible separator: keeps "hide and seek" in one span, dropped by tokenize
_PROTECT_PATTERNS = 512  # patterns kept, one per set of longest words a line holds


@dataclass
class Span:
    """One item's tokens, with its amounts and the unit words said without a number (read-only
    once made: a splitter with a memory hands the same span out again)."""

    text: str
    tokens: list[str]
    amounts: list[Amount]
    words: list[str]  # product words (no amounts, unit words, filler)
    hints: list[str]  # unit names said without a number


def protected_names(names: Iterable[str]) -> frozenset[str]:
    """The names (lower-cased) holding a word that would split them ("Bread and Butter")."""
    separators = SEPARATOR_WORDS | {"&"}
    return frozenset(n for n in map(str.lower, names) if not separators.isdisjoint(n.split()))


class Splitter:
    def __init__(self, units: UnitTable, phrases: dict[str, list[tuple[str, ...]]] | None = None,
                 protected: Iterable[str] = ()) -> None:
        self.units = units
        self.phrases = phrases or {}
        joined = sorted(protected_names(protected), key=len, reverse=True)
        # Every name a line holds has its longest word in the line: most lines have none, and the
        # rest are searched for the names of the longest words they have only.
        self._protect_names = [(_singular(max(_content(p), key=len, default="")),
                                r"\b" + r"\s*(?:and|&|\+)?\s*".join(map(_word_pattern, _content(p))) + r"\b")
                               for p in joined]
        self._protect_words = tuple(sorted({word for word, _ in self._protect_names}))
        self._protect = lru_cache(maxsize=_PROTECT_PATTERNS)(self._protect_pattern)
        self._part: Callable[[str], Span | None] = self._span

    def with_memo(self, size: int) -> Splitter:
        """This splitter (same units, phrases and names), keeping the spans of the last `size`
        distinct parts it read: "chini 10 kg" is read once, whatever message it comes in."""
        twin = copy.copy(self)
        twin._part = lru_cache(maxsize=size)(twin._span)
        return twin

    def _protect_pattern(self, present: tuple[str, ...]) -> re.Pattern[str]:
        """The names whose longest word is present, longest names first: where one of them is
        said, the first that fits (no other name can be in the line)."""
        return re.compile("|".join(pattern for word, pattern in self._protect_names if word in present))

    def is_unit(self, word: str) -> bool:
        return self.units.lookup(word) is not None

    def item_spans(self, prepared: str) -> list[Span]:
        """The spans the pipeline resolves into items: split() of the text without price points."""
        return self.split(without_price_points(prepared))

    def split(self, prepared: str) -> list[Span]:
        """Item spans of a prepared message (see normalize.prepare), in order."""
        spans: list[Span] = []
        for line in prepared.split("\n"):
            line = _LIST_MARKER.sub(" ", line)
            present = tuple(w for w in self._protect_words if w in line)
            if present:
                # glued, and without the "&" or "+" that the separators would still split at
                line = self._protect(present).sub(lambda m: _GLUE.join(_SIGNS.sub(" ", m.group(0)).split()), line)
            parts = [self._part(p) for p in _SEPARATORS.split(line)]
            spans.extend(_merge_bare_amounts([s for s in parts if s is not None]))
        return [piece for span in spans for piece in self._runs(span)]

    def _span(self, text: str) -> Span | None:
        tokens = self._join_phrases(tokenize(text, self.is_unit))
        tokens = _drop_negated(tokens, self.units)
        if not tokens:
            return None
        return self._describe(text.strip(), tokens)

    def _describe(self, text: str, tokens: list[str]) -> Span:
        amounts, hints = find_amounts(tokens, self.units)
        taken = {i for a in amounts for i in range(a.start, a.end)} | {h.index for h in hints}
        words = [strip_suffix(t) for i, t in enumerate(tokens)
                 if i not in taken and t not in NOT_PRODUCT and not is_also(tokens, i, self.is_unit)]
        return Span(text, tokens, amounts, words, [h.unit.name for h in hints])

    def _join_phrases(self, tokens: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for phrase in self.phrases.get(tokens[i], ()):
                if tuple(tokens[i: i + len(phrase)]) == phrase:
                    out.append(" ".join(phrase))
                    i += len(phrase)
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out

    def _runs(self, span: Span) -> list[Span]:
        """"2kg chini 1kg nun" or "kurkure 20 pkt lays 20 pkt": one span per amount-and-product."""
        if len(span.amounts) < 2 or not span.words:
            return [span]
        amount_first = span.amounts[0].start == 0 or not any(
            t not in STOPWORDS for t in span.tokens[: span.amounts[0].start])
        cuts: list[int] = []
        for a, b in zip(span.amounts, span.amounts[1:], strict=False):
            between = span.tokens[a.end: b.start]
            content = [t for t in between if t not in STOPWORDS and not self.is_unit(t)]
            if not content or between[0] in CONNECTORS:
                continue  # a size and its count, or a compound amount
            cuts.append(b.start if amount_first else a.end)
        if not cuts:
            return [span]
        bounds = [0, *cuts, len(span.tokens)]
        pieces = [span.tokens[lo:hi] for lo, hi in itertools.pairwise(bounds)]
        described = [self._describe(" ".join(p), p) for p in pieces if p]
        return _merge_bare_amounts(described)


def _content(phrase: str) -> list[str]:
    return [w for w in _SIGNS.sub(" ", phrase).split() if w != "and"]


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _word_pattern(word: str) -> str:
    """A protected name's word as said: a plural's "s" may be left off ("head & shoulder")."""
    stem = _singular(word)
    return re.escape(stem) + ("s?" if stem != word else "")


def _drop_negated(tokens: list[str], units: UnitTable) -> list[str]:
    """Remove what a negation word cancels: "fanta 2 crate hoina 1 crate" -> "fanta 1 crate"."""
    while True:
        neg = next((i for i, t in enumerate(tokens) if t in NEGATIONS), None)
        if neg is None:
            return tokens
        amounts, _ = find_amounts(tokens[:neg], units)
        start = amounts[-1].start if amounts else 0
        tokens = tokens[:start] + tokens[neg + 1:]


def _merge_bare_amounts(spans: list[Span]) -> list[Span]:
    """A span with an amount but no product words joins its neighbour ("12 bottle matra, coke")."""
    out: list[Span] = []
    pending: Span | None = None
    for span in spans:
        if span.amounts and not span.words:
            pending = _join(pending, span) if pending else span
            continue
        if pending is not None:
            span = _join(pending, span)
            pending = None
        out.append(span)
    if pending is not None:
        if out:
            out[-1] = _join(out[-1], pending)
        else:
            out.append(pending)
    return out


def _join(a: Span, b: Span) -> Span:
    offset = len(a.tokens)
    moved = [Amount(x.value, x.unit, x.start + offset, x.end + offset) for x in b.amounts]
    return Span(f"{a.text}, {b.text}", a.tokens + b.tokens, a.amounts + moved, a.words + b.words,
                a.hints + b.hints)
