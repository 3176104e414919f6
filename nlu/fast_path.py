"""The fast path of the NLU pipeline: typical order messages, with no fuzzy search and no embedding.

A message takes it when it is plain ASCII words, numbers, commas and lines, and the product words
of each item span are a key of the catalogue index, spelt or sounding exactly as said. Such a
parse is the full pipeline's own code (the same splitter, resolver, lexicon, aliases and units)
with memories: the splitter keeps the span of each distinct part of a message, and the resolver
(nlu.item_memo) the item of each distinct span and the search and brand choice of each distinct
phrase, so the answer is the full pipeline's. The intent model is asked as always: its TF-IDF
heads answer alone when they agree with a clear margin, and only otherwise does it run the
sentence embedding. A message it is unsure of gets None, and the full pipeline parses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.catalog_index import CatalogIndex
from nlu.item_memo import MEMO_SIZE, MemoResolver
from nlu.items import ItemResolver
from nlu.splitter import Span, Splitter

# Lower-case letters, digits, spaces, lines, and the marks of lists and decimals.
_TYPICAL = re.compile(r"[a-z0-9 ,.()\n-]*")


@dataclass(frozen=True, slots=True)
class FastRoute:
    """What the pipeline parses a typical message with instead of its full steps."""

    spans: list[Span]
    resolver: ItemResolver


class FastPath:
    """The fast path for one catalogue (the pipeline builds a new one when the catalogue changes)."""

    def __init__(self, index: CatalogIndex, splitter: Splitter, resolver: ItemResolver) -> None:
        self.splitter = splitter.with_memo(MEMO_SIZE)
        self.resolver = MemoResolver(index, resolver._bulk)

    def route(self, text: str, prepared: str) -> FastRoute | None:
        """How to parse a typical order message (text as given, prepared by normalize.prepare);
        None when the message is not one, or the fast path is unsure of it."""
        if not text.isascii() or not _TYPICAL.fullmatch(prepared):
            return None
        spans = self.splitter.item_spans(prepared)
        if not spans or not all(self.resolver.is_key(" ".join(s.words)) for s in spans if s.words):
            return None
        return FastRoute(spans, self.resolver)


__all__ = ["FastPath", "FastRoute"]
