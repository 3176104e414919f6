"""The keys of catalogue names: what CatalogIndex indexes, each distinct piece worked out once.

A million names repeat a few tens of thousands of words and a few hundred word-and-size shapes
("<word> <word> <word> 500 g"). So an ASCII name is cut at whitespace and each part's tokens are
kept; each token's stop-word, suffix and skeleton reading is kept; and the positions
quantities.key_positions keeps are kept per shape: the tuple of the tokens that can change them
(numerals, unit words, connectors, "x"), every other token standing as None. The keys are the
ones prepare / tokenize / key_words give (tests/nlu/test_catalog_keys.py checks it).
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from domain.catalog import Product
from nlu.lexicon import CONNECTORS, STOPWORDS, strip_suffix
from nlu.normalize import prepare, skeleton, split_runs, tokenize
from nlu.numbers import parse_numeral, replace_number_words
from nlu.quantities import Amount, key_positions, key_words
from nlu.units import UnitTable

Key = tuple[str, str, "Amount | None", float]  # (text, skeleton, size said, weight)
BRAND_WEIGHT = 0.92  # a brand alone fits every product of the brand: never beat a real alias

Shape = tuple["str | None", ...]


@lru_cache(maxsize=200_000)
def _word_skeleton(word: str) -> str:
    """Exactly one skeleton word per word: keys and queries pair them up."""
    return "".join(skeleton(word).split()) or word


def key_skeleton(text: str) -> str:
    return " ".join(map(_word_skeleton, text.split()))


class _Token(NamedTuple):
    shape: str | None  # the token if it can change which positions are kept, else None
    word: str | None  # the key word it gives when kept (None: a stop word)
    skel: str  # that word's skeleton word
    number: bool  # the word is digits (a bare pack count unless it comes first)


class NameKeyer:
    """Keys of product names, aliases and brands over one unit table; its caches only grow, so
    keep one per build."""

    def __init__(self, units: UnitTable) -> None:
        self.units = units
        spellings = units.spellings
        self.is_unit = lambda word: spellings.get(word) is not None
        self._parts: dict[str, list[str]] = {}
        self._tokens: dict[str, _Token] = {}
        self._shapes: dict[Shape, tuple[list[int], Amount | None]] = {}
        self._brands: dict[str, tuple[str, str]] = {}

    def keys(self, product: Product) -> list[Key]:
        """(key text, skeleton, size said, weight) for the name, each alias and the brand."""
        out: list[Key] = []
        for raw in (product.name, *product.aliases):
            tokens, size = self._key_tokens(raw)
            # a pack count left bare, "Shikhar packet (20)", is not a product word; "2pm" is
            kept = [t for k, t in enumerate(tokens) if k == 0 or not t.number]
            out.append((" ".join([t.word for t in kept]), " ".join([t.skel for t in kept]), size, 1.0))
        if product.brand:
            text, skel = self.brand(product.brand)
            out.append((text, skel, None, BRAND_WEIGHT))
        return out

    def brand(self, brand: str) -> tuple[str, str]:
        """The key words of a brand and their skeleton."""
        found = self._brands.get(brand)
        if found is None:
            tokens, _ = self._key_tokens(brand)
            found = self._brands[brand] = (" ".join([t.word for t in tokens]),
                                           " ".join([t.skel for t in tokens]))
        return found

    def words(self, raw: str) -> tuple[list[str], Amount | None]:
        """key_words(tokenize(prepare(raw))): the product words of raw and the pack size said."""
        tokens, size = self._key_tokens(raw)
        return [t.word for t in tokens], size

    def _key_tokens(self, raw: str) -> tuple[list[_Token], Amount | None]:
        if not raw.isascii():  # NFKC and the emoji and fraction rules may join or split parts
            words, size = key_words(tokenize(prepare(raw), self.is_unit), self.units)
            return [_word_token(w) for w in words], size
        tokens: list[str] = []
        parts = self._parts
        for part in raw.split():
            split = parts.get(part)
            if split is None:
                split = parts[part] = split_runs(prepare(part), self.is_unit)
            tokens += split
        tokens = replace_number_words(tokens, self.is_unit)
        known = self._tokens.get
        infos = [known(t) or self._token(t) for t in tokens]
        shape = tuple([t.shape for t in infos])
        positions = self._shapes.get(shape)
        if positions is None:
            positions = self._shapes[shape] = key_positions(tokens, self.units)
        kept, size = positions
        return [infos[i] for i in kept if infos[i].word is not None], size

    def _token(self, token: str) -> _Token:
        found = self._tokens.get(token)
        if found is None:
            word = None if token in STOPWORDS else strip_suffix(token)
            shapes = parse_numeral(token) is not None or self.is_unit(token) or token in CONNECTORS or token == "x"
            found = self._tokens[token] = _word_token(word)._replace(shape=token if shapes else None)
        return found


def _word_token(word: str | None) -> _Token:
    if word is None:
        return _Token(None, None, "", False)
    return _Token(None, word, _word_skeleton(word), word.replace(".", "").isdigit())


__all__ = ["BRAND_WEIGHT", "Key", "NameKeyer", "key_skeleton"]
