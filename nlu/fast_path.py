"""The fast path of the NLU pipeline: typical order messages, with no fuzzy search and no embedding.

A message takes it when it is plain ASCII words, numbers, commas and lines, and the product words
of each item span are a key of the catalogue index, spelt or sounding exactly as said. Then the
costly step of such a parse, the search and brand choice of each span, is looked up once per
catalogue key and kept with the catalogue; every other step is the full pipeline's own code (the
same splitter, resolver, lexicon, aliases and units), so the answer is the full pipeline's. The
intent model is asked as always: its TF-IDF heads answer alone when they agree with a clear margin,
and only otherwise does it run the sentence embedding. A message it is unsure of gets None, and the
full pipeline parses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.catalog_index import CatalogIndex, Match
from nlu.items import ItemResolver
from nlu.shop_words import catalogue_words
from nlu.splitter import Span, Splitter

# Lower-case letters, digits, spaces, lines, and the marks of lists and decimals.
_TYPICAL = re.compile(r"[a-z0-9 ,.()\n-]*")


@dataclass(frozen=True, slots=True)
class FastRoute:
    """What the pipeline parses a typical message with instead of its full steps."""

    spans: list[Span]
    resolver: ItemResolver


class _KeyedIndex(CatalogIndex):
    """The catalogue index itself (same arrays), whose search of an exact key (or of its
    translation into catalogue words) is done once."""

    def __init__(self, index: CatalogIndex) -> None:  # the same index: no super().__init__, which would re-index
        self.__dict__.update(index.__dict__)
        self._exact_queries: dict[str, bool] = {}
        self._found: dict[tuple[str, int, bool], list[Match]] = {}
        self._translations: set[str] = set()  # keys said in catalogue words (nlu.shop_words)
        self._held: set[int] = set()  # ids of the lists in _found, which keeps them alive

    def is_key(self, query: str) -> bool:
        known = self._exact_queries.get(query)
        if known is None:
            known = super().is_key(query)
            if known:  # only keys are kept: at most as many entries as the catalogue has keys
                self._exact_queries[query] = True
                translated = catalogue_words(query.split())
                if translated:  # the resolver searches "tori oil" too when "tori tel" is unsure
                    self._translations.add(" ".join(translated))
        return known

    def search(self, query: str, *, limit: int = 10, sized_query: bool = False) -> list[Match]:
        ident = (query, limit, sized_query)
        found = self._found.get(ident)
        if found is None:
            found = super().search(query, limit=limit, sized_query=sized_query)
            if self.is_key(query) or query in self._translations:
                self._found[ident] = found
                self._held.add(id(found))
        return found

    def is_kept(self, matches: list[Match]) -> bool:
        """Whether matches is a search result this index keeps (returned as the same list each time)."""
        return id(matches) in self._held


class _KeyedResolver(ItemResolver):
    """The pipeline's resolver over the keyed index; the brand choice of a kept search result is
    made once too (by the pipeline's own resolver, whose index keeps the brand families)."""

    def __init__(self, index: _KeyedIndex, full: ItemResolver) -> None:
        super().__init__(index)
        self._keyed = index
        self._full = full
        self._bulk = full._bulk  # same catalogue, same answers
        self._chosen: dict[tuple[tuple[str, ...], int], tuple[list[Match], list[Match]]] = {}

    def _with_brand(self, matches: list[Match], words: list[str]) -> list[Match]:
        ident = (tuple(words), id(matches))
        known = self._chosen.get(ident)
        if known is not None and known[0] is matches:
            return known[1]
        chosen = self._full._with_brand(matches, words)
        if self._keyed.is_kept(matches):
            self._chosen[ident] = (matches, chosen)
        return chosen


class FastPath:
    """The fast path for one catalogue (the pipeline builds a new one when the catalogue changes)."""

    def __init__(self, index: CatalogIndex, splitter: Splitter, resolver: ItemResolver) -> None:
        self.splitter = splitter
        self._index = _KeyedIndex(index)
        self.resolver = _KeyedResolver(self._index, resolver)

    def route(self, text: str, prepared: str) -> FastRoute | None:
        """How to parse a typical order message (text as given, prepared by normalize.prepare);
        None when the message is not one, or the fast path is unsure of it."""
        if not text.isascii() or not _TYPICAL.fullmatch(prepared):
            return None
        spans = self.splitter.item_spans(prepared)
        if not spans or not all(self._index.is_key(" ".join(s.words)) for s in spans if s.words):
            return None
        return FastRoute(spans, self.resolver)


__all__ = ["FastPath", "FastRoute"]
