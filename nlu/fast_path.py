"""The fast path of the NLU pipeline: the full pipeline's own steps with memories, so that what
many messages share is worked out once.

The splitter keeps the span of each distinct part of a message ("chini 10 kg"), and the resolver
(nlu.item_memo) the item of each distinct span and the search and brand choice of each distinct
phrase; all three are pure functions of what they keep, so every answer is the full pipeline's.
Every message takes it (a phrase no key says is searched fuzzily once, then remembered too); a
typical order message is one that never needs the fuzzy search: plain ASCII words, numbers,
commas and lines, and the product words of each item span a key of the catalogue index, spelt or
sounding exactly as said. The intent of a typical order is read by the intent model's TF-IDF heads
alone (nlu.pipeline, with or without the memories): they were trained on such messages, and the
sentence embedding (milliseconds) is kept for what the rules are unsure of.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from nlu.catalog_index import CatalogIndex
from nlu.item_memo import MEMO_SIZE, MemoResolver
from nlu.items import ItemResolver
from nlu.splitter import Span, Splitter

# Lower-case letters, digits, spaces, lines, and the marks of lists and decimals.
_TYPICAL = re.compile(r"[a-z0-9 ,.()\n-]*")


class FastPath:
    """The memories for one catalogue (the pipeline builds a new one when the catalogue changes)."""

    def __init__(self, index: CatalogIndex, splitter: Splitter, resolver: ItemResolver) -> None:
        self.splitter = splitter.with_memo(MEMO_SIZE)
        self.resolver = MemoResolver(index, resolver._bulk)

    def typical(self, text: str, prepared: str) -> bool:
        """Whether a message (text as given, prepared by normalize.prepare) is a typical order:
        one whose every product phrase is a catalogue key."""
        return plain(text, prepared) and keyed(self.splitter.item_spans(prepared), self.resolver.is_key)


def plain(text: str, prepared: str) -> bool:
    """Whether a message is written as typical orders are: ASCII, words, numbers and list marks."""
    return text.isascii() and _TYPICAL.fullmatch(prepared) is not None


def keyed(spans: list[Span], is_key: Callable[[str], bool]) -> bool:
    """Whether a plain message's item spans (Splitter.item_spans) make a typical order: some, and
    the product words of each a catalogue key."""
    return bool(spans) and all(is_key(" ".join(s.words)) for s in spans if s.words)


__all__ = ["FastPath", "keyed", "plain"]
