"""Choosing among a brand's SKUs: the brand said (misspelt or cut: "detol", "sarf", "magi",
"surf" for Surf Excel), the rest of the words matched against that brand's own names only.

The plain index search compares the whole query with every name, so a misspelt brand plus shop
words ("aasirvaad whole aata") can land on another brand's product sharing a word. Here the brand
is found first among the catalogue's `brand` values; then each of that brand's products is scored
by how many of the remaining words its names say (shop words count in catalogue words: "sabun"
is soap). Variants left out tie, and the tie goes to the best seller (items.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from nlu.catalog_index import CatalogIndex, Match
from nlu.lexicon import CONNECTORS
from nlu.normalize import prepare
from nlu.per_catalogue import PerCatalogue
from nlu.shop_words import SHOP_WORDS

BRAND_SIMILAR = 80.0  # a said word this alike to a brand word (or with the same skeleton) names it
WORD_SIMILAR = 78.0  # a said word this alike to a name word is that word
FAMILY_BASE = 70.0  # a brand's product scores this with none of the other words said ...
FAMILY_SPAN = 30.0  # ... and up to this much more as the words are explained
BRAND_CLOSE = 6.0  # brands this close in similarity are all tried; the one explaining most wins
MIN_COVER = 0.5  # below this share of explained words the brand's products are not trusted


@dataclass(frozen=True, slots=True)
class BrandHit:
    brand: str
    products: tuple[int, ...]
    used: frozenset[int]  # positions of the query words that said the brand
    similarity: float


class BrandFamilies:
    """Each brand's products and key words, for one index (rebuilt when its fingerprint changes)."""

    def __init__(self, index: CatalogIndex) -> None:
        self.index = index
        self.fingerprint = index.fingerprint
        families: dict[str, list[int]] = {}
        for i, product in enumerate(index.products):
            if product.brand and index.is_live(i):
                families.setdefault(index._brand_key(product.brand), []).append(i)
        self.families = {k: tuple(v) for k, v in families.items() if k}
        self._by_first: dict[str, list[str]] = {}
        for key in self.families:
            self._by_first.setdefault(key.split()[0][:1], []).append(key)
        self._name_words: dict[int, tuple[str, ...]] = {}

    def find(self, words: list[str]) -> list[BrandHit]:
        """The brands the words may name, most alike first: a brand's first word said (alike
        enough; more of its words said next raise the similarity), at any position."""
        hits: dict[str, BrandHit] = {}
        for start, word in enumerate(words):
            for key in self._by_first.get(word[:1], ()):
                hit = self._match(key, words, start)
                if hit and (key not in hits or hit.similarity > hits[key].similarity):
                    hits[key] = hit
        ranked = sorted(hits.values(), key=lambda h: (-h.similarity, -len(h.used)))
        return [h for h in ranked if h.similarity >= ranked[0].similarity - BRAND_CLOSE]

    def _match(self, key: str, words: list[str], start: int) -> BrandHit | None:
        brand_words = key.split()
        first = _alike(words[start], brand_words[0])
        if first < BRAND_SIMILAR:
            # "cocacola", "waiwai": the brand's words said joined
            joined = _alike(words[start], "".join(brand_words))
            if len(brand_words) > 1 and joined >= BRAND_SIMILAR:
                return BrandHit(key, self.families[key], frozenset({start}), joined + len(brand_words))
            return None
        used = {start}
        total = first
        j = start + 1
        for bw in brand_words[1:]:
            if j < len(words) and _alike(words[j], bw) >= BRAND_SIMILAR:
                used.add(j)
                total += _alike(words[j], bw)
                j += 1
        # a brand said in full beats one whose first word alone was said ("surf" vs "surf excel")
        similarity = total / len(used) + 2.0 * len(used) - 1.0 * (len(brand_words) - len(used))
        if len(brand_words[0]) <= 2 and len(used) < len(brand_words):
            return None  # "7" or "no" alone names no brand
        return BrandHit(key, self.families[key], frozenset(used), similarity)

    def name_words(self, product: int) -> tuple[str, ...]:
        words = self._name_words.get(product)
        if words is None:
            p = self.index.products[product]
            # the key words and the plain words ("Detergent Bar": "bar" is a unit word to keys)
            said = " ".join((self.index.query_words(p.name), *(self.index.query_words(a) for a in p.aliases),
                             *(w for w in prepare(p.name).split() if w.isalpha())))
            words = tuple(dict.fromkeys(said.split()))
            self._name_words[product] = words
        return words

    def score(self, hit: BrandHit, words: list[str]) -> list[Match]:
        """The brand's products scored by the share of the other words their names say."""
        rest = [w for k, w in enumerate(words) if k not in hit.used and w not in CONNECTORS
                and not w.replace(".", "").isdigit()]
        out: list[Match] = []
        for p in hit.products:
            names = self.name_words(p)
            if rest:
                found = sum(_explained(w, names) for w in rest)
                cover = found / len(rest)
            else:
                cover = 1.0
            if cover >= MIN_COVER:
                out.append(Match(p, FAMILY_BASE + FAMILY_SPAN * cover, False))
        return out


# Shop words that stand for more than one catalogue word: "sabun" is a soap or a detergent bar.
# "masala" is a spice powder as well as the word of "Meat Masala".
_MORE_WORDS = {"sabun": ("bar",), "saban": ("bar",), "surf": ("powder",), "drink": ("soft",),
               "masala": ("spice",)}


def _explained(word: str, names: tuple[str, ...]) -> float:
    targets = {word, SHOP_WORDS.get(word, word), *_MORE_WORDS.get(word, ())}
    best = 0.0
    for t in targets:
        for n in names:
            if n == t:
                return 1.0
            r = _alike(t, n)
            if r >= WORD_SIMILAR:
                best = max(best, r / 100.0)
    return best


@lru_cache(maxsize=100_000)
def _alike(a: str, b: str) -> float:
    if a == b:
        return 100.0
    if min(len(a), len(b)) <= 2:
        return 0.0
    ratio = float(fuzz.ratio(a, b))
    if ratio < BRAND_SIMILAR and a[0] == b[0] and len(_consonants(a)) >= 3 and _consonants(a) == _consonants(b):
        return BRAND_SIMILAR + 5.0  # a vowel said otherwise: "sarf" surf, "lipten" lipton
    return ratio


def _consonants(word: str) -> str:
    return "".join(ch for ch in word if ch not in "aeiouy")


families_for = PerCatalogue(BrandFamilies)
"""The index's brand families, built once per catalogue (again after a rebuild)."""


def brand_matches(index: CatalogIndex, words: list[str]) -> list[Match] | None:
    """The products of the brand the words name, scored; None when no brand is named or the
    brand's products do not explain the words (the plain search decides then)."""
    if not words:
        return None
    fams = families_for(index)
    best: list[Match] = []
    for hit in fams.find(words):
        scored = sorted(fams.score(hit, words), key=lambda m: -m.score)
        if scored and (not best or scored[0].score > best[0].score):
            best = scored
    return best or None


__all__ = ["BrandFamilies", "BrandHit", "brand_matches", "families_for"]
