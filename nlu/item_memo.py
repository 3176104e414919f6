"""An item resolver that remembers: what a span resolves to, the products a phrase names, and
which phrases are catalogue keys, each for the last few thousand distinct ones.

ItemResolver.resolve is a pure function of a span's tokens, amounts, product words and unit
hints (and of the catalogue): the span's text is only copied into the answer. So the answer is
kept per (tokens, amounts, words, hints), and the costly part of it that is the same for every
quantity — the search and the brand choice of the product words (ItemResolver.matches) — per
(words, whether a size was said). "chini 10 kg" in one message and "10 kg chini" in the next
search the catalogue once. The memories are bounded (least recently used go first) and emptied
when the index's catalogue changes (its fingerprint); a new index gets a new resolver anyway.
"""

from __future__ import annotations

from functools import lru_cache

from nlu.catalog_index import CatalogIndex, Match
from nlu.items import ItemResolver
from nlu.quantities import Amount
from nlu.splitter import Span
from nlu.types import ParsedItem

MEMO_SIZE = 10_000  # distinct spans, and distinct phrases, remembered (at 20,000 the memories held 96 MB)
_Said = tuple[tuple[str, ...], tuple[Amount, ...], tuple[str, ...], tuple[str, ...]]


class MemoResolver(ItemResolver):
    """ItemResolver's answers, each worked out once per distinct span or phrase."""

    def __init__(self, index: CatalogIndex, bulk: dict[int, bool] | None = None, size: int = MEMO_SIZE) -> None:
        super().__init__(index)
        if bulk is not None:
            self._bulk = bulk  # another resolver's over the same index: the same answers
        self._size = size
        self._forget()

    def _forget(self) -> None:
        self._fingerprint = self.index.fingerprint
        self._items = lru_cache(maxsize=self._size)(self._resolve_said)
        self._found = lru_cache(maxsize=self._size)(self._matches_of)
        self._keys = lru_cache(maxsize=self._size)(self.index.is_key)

    def _current(self) -> None:
        if self.index.fingerprint != self._fingerprint:  # rebuilt in place: nothing known holds
            self._forget()

    def resolve(self, span: Span) -> ParsedItem | None:
        self._current()
        item = self._items((tuple(span.tokens), tuple(span.amounts), tuple(span.words), tuple(span.hints)))
        if item is None:
            return None
        return ParsedItem(text=span.text, sku=item.sku, name=item.name, quantity=item.quantity, unit=item.unit,
                          score=item.score, candidates=list(item.candidates), ambiguous=item.ambiguous)  # a copy

    def is_key(self, phrase: str) -> bool:
        """CatalogIndex.is_key of the phrase."""
        self._current()
        return self._keys(phrase)

    def matches(self, words: list[str], sized: bool) -> list[Match]:
        return self._found(tuple(words), sized)

    def _resolve_said(self, said: _Said) -> ParsedItem | None:
        tokens, amounts, words, hints = said
        return super().resolve(Span("", list(tokens), list(amounts), list(words), list(hints)))

    def _matches_of(self, words: tuple[str, ...], sized: bool) -> list[Match]:
        return super().matches(list(words), sized)


__all__ = ["MEMO_SIZE", "MemoResolver"]
