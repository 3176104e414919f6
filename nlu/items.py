"""Turn one item span into a ParsedItem: pick the SKU, the quantity and the selling unit."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from domain.catalog import Product
from nlu.catalog_index import CatalogIndex, Match
from nlu.lexicon import CONNECTORS, NAME_FILLERS, strip_suffix
from nlu.packs import (
    ladder_rank,
    pack_fits,
    pack_numbers,
    price_fits,
    price_points,
    single_pack,
    small_pack,
    word_packs,
)
from nlu.quantities import Amount, is_count
from nlu.shop_words import SHOP_WORDS, catalogue_words
from nlu.sku_choice import brand_matches, families_for
from nlu.sku_lines import lines_for
from nlu.splitter import Span
from nlu.types import Candidate, ParsedItem
from nlu.units import BULK_UNITS, COUNT, DOZEN, GENERIC_COUNT, MASS, VOLUME, same_family

# Score adjustments (points on the 0-100 match scale) that choose between sibling SKUs.
UNIT_BONUS = 10.0  # the product is sold in the unit the shop asked for
FAMILY_BONUS = 3.0  # ...or in an equivalent pack (packet ~ pouch, crate ~ carton)
BULK_PENALTY = 8.0  # cartons, crates, sacks and big jars only when asked for
SIZE_BONUS = 8.0  # the pack size said matches the product's
SIZE_PENALTY = 12.0  # ...or contradicts it
MULTIPACK_UNSAID = 3.0  # a multipack whose count was not said, when its single pack fits as well
FIT_BONUS = 3.0  # a weight/volume asked for is a whole number of the product's packs
AMBIGUOUS_MARGIN = 4.0  # candidates this close to the best are worth a question
BEST_SELLER = 1.2  # a sibling selling this many times more than each close one is what was meant
SALES_TIE = 2.0  # candidates this close are told apart by sales alone
MIN_SCORE = 62.0  # below this the product is unknown
CLEAR_MATCH = 85.0  # a match this good is not searched again in catalogue words
BRAND_SLACK = 3.0  # the brand's own products are preferred unless the plain search is clearly better
FAMILY_KEEP = 12.0  # ...those this close to the best of them are scored
FAMILY_LIMIT = 80
EXACT_KEY = 95.0  # a search score this high (and the best) is a name or alias said (near) exactly
EXACT_BONUS = 5.0
NAME_UNIT_BONUS = 6.0  # a pack word said that the name says too ("sachet", "jar", "tin")
SHORT_WORD = 3  # a query of Roman words this short matches only names saying one ("run" is no "nun")
NEAR_SIZE = 0.15  # with no sibling of the size said, one this close is it ("2 litre" for 2.25 L)
_BULK_SIZE = 5000.0  # g or ml: a 15 l jar or a 25 kg bag is bulk
_CASE_UNITS = frozenset({*BULK_UNITS, "box"})
_PACK_COUNT = re.compile(r"\(\s*\d+\s*[a-z]")


@dataclass
class _Scored:
    match: Match
    product: Product
    adjusted: float


class ItemResolver:
    def __init__(self, index: CatalogIndex) -> None:
        self.index = index
        self._bulk: dict[int, bool] = {}  # product number -> sold in bulk packs (numbers never change)

    def resolve(self, span: Span) -> ParsedItem | None:
        """The item a span orders or names; None when it names nothing the catalogue knows."""
        prices, words = price_points(self._product_words(span))
        if not words:
            return None
        quantity, size = _quantity_and_size(span.amounts, self._describes(span), span.tokens)
        packs = pack_numbers(span.tokens, span.amounts, quantity)
        sized = bool(size or packs or (quantity and quantity.is_measure))
        matches = self.matches(words, sized)
        if not matches:
            return None
        quantity = self._pack_not_quantity(span, matches, quantity)
        packs = pack_numbers(span.tokens, span.amounts, quantity) + (word_packs(span.tokens) if size is None else [])
        packs, prices = self._prices_said(matches, packs, prices)
        single = single_pack(span.tokens)
        if prices and size is None and not packs:
            packs = self._price_packs(matches, prices[0])
        if small_pack(span.tokens) and size is None and not packs:
            packs = self._smallest(matches)
            single = True
        near = size is not None and not any(self.index.size_matches(m.product, size.base) for m in matches)
        counted = {k for a in span.amounts for k in range(a.start, a.end)}
        said_units = [t for k, t in enumerate(span.tokens)  # pack words said without a number
                      if k not in counted and self.index.units.lookup(t) is not None]
        scored = sorted((self._score(m, quantity, size, span.hints, packs, single, near, said_units)
                         for m in matches), key=lambda s: -s.adjusted)
        best = scored[0]
        close = [s for s in scored[1:] if s.adjusted >= best.adjusted - AMBIGUOUS_MARGIN]
        best, close = self._best_seller(best, close)
        unknown = best.match.score < MIN_SCORE
        ambiguous = bool(close) and not unknown
        shown = scored[:3] if unknown else [best, *close][:5]
        candidates = [Candidate(s.product.sku, s.product.name, round(s.match.score, 1)) for s in shown]
        chosen = None if unknown or ambiguous else best
        unit_owner = chosen or (best if all(s.product.unit == best.product.unit for s in [best, *close])
                                else None)
        if quantity is None and size is not None and unit_owner is not None and \
                self._sold_by_measure(unit_owner.product):
            quantity = size  # "5 kg ko chini": of loose sugar, the size is the amount
        value, unit = self._convert(quantity, unit_owner, size)
        return ParsedItem(text=span.text, sku=chosen.product.sku if chosen else None,
                          name=chosen.product.name if chosen else None, quantity=value, unit=unit,
                          score=round(best.match.score, 1), candidates=candidates, ambiguous=ambiguous)

    def matches(self, words: list[str], sized: bool) -> list[Match]:
        """The products product words may name, best first (a pure function of the words, whether
        a size was said and the catalogue): the search, again in catalogue words when unsure, and
        the brand's choice. The caller does not change the list."""
        matches = self.index.search(" ".join(words), limit=12, sized_query=sized)
        translated = catalogue_words(words) if not matches or matches[0].score < CLEAR_MATCH else None
        if translated:  # "ilam chiya": the catalogue says "Ilam Dust Tea"
            again = self.index.search(" ".join(translated), limit=12, sized_query=sized)
            if again and (not matches or again[0].score > matches[0].score):
                matches = again
        matches = self._with_brand(matches, words)
        if all(len(w) <= SHORT_WORD and w.isascii() for w in words):  # Devanagari is matched as sounds
            matches = [m for m in matches if self._says_exactly(m.product, words)]
        return matches

    def _with_brand(self, matches: list[Match], words: list[str]) -> list[Match]:
        """The plain search's matches, or the products of the brand said (nlu.sku_choice) when the
        search found another brand's product first; when it found the brand itself, the brand's
        siblings it left out are added at its best score."""
        family = brand_matches(self.index, words)
        if not family:
            return matches
        members = {m.product for m in family}
        # best sellers first among equals: a big brand's regional copies must not crowd them out
        family = sorted((m for m in family if m.score >= family[0].score - FAMILY_KEEP),
                        key=lambda m: (-m.score, -float(self.index.sales[m.product])))[:FAMILY_LIMIT]
        if matches and matches[0].product in members:
            # the search agrees on the brand: the brand's scores, and a name or alias said exactly
            # ("wai wai" is the alias of one Wai Wai) keeps its lead
            exact = {m.product for m in matches if m.score >= max(EXACT_KEY, matches[0].score - 0.5)}
            return sorted((Match(m.product, max(0.0, m.score - EXACT_BONUS * bool(exact and m.product not in exact)),
                                 m.sized_key) for m in family), key=lambda m: -m.score)
        if not matches or family[0].score >= matches[0].score - BRAND_SLACK:
            return family
        return matches

    def _smallest(self, matches: list[Match]) -> list[float]:
        """The smallest single pack among the best matches (what "chota" asks for), as a pack number."""
        top = [m.product for m in matches if m.score >= matches[0].score - AMBIGUOUS_MARGIN]
        sizes = [float(self.index.size[p]) for p in top if self.index.size[p] and not self.index.multipack[p]]
        return [min(sizes)] if sizes else []

    def _pack_not_quantity(self, span: Span, matches: list[Match], quantity: Amount | None) -> Amount | None:
        """Of two bare numbers, the one that is a pack size of the best matches is not the quantity:
        "2 himalaya almond tel 500" orders two 500 ml bottles."""
        if quantity is None or quantity.unit is not None:
            return quantity
        bare = [a for a in span.amounts if is_count(a) and a is not quantity and not _names_pack(a, span.tokens)]
        if len(bare) != 1:
            return quantity
        top = self._top(matches)

        def fits(value: float) -> bool:
            return any(pack_fits(float(self.index.size[p]), int(self.index.multipack[p]), value) for p in top)

        other = bare[0]
        return other if fits(quantity.value) and not fits(other.value) else quantity

    def _best_seller(self, best: _Scored, close: list[_Scored]) -> tuple[_Scored, list[_Scored]]:
        """Among candidates the words cannot tell apart, the one that sells clearly best."""
        if not close:
            return best, close
        tied = [s for s in close if s.adjusted >= best.adjusted - SALES_TIE]
        if len(tied) < len(close):  # something the shop said sets the best apart: the rest is no question
            close = tied
            if not close:
                return best, close
        lines = lines_for(self.index)
        ranked = sorted([best, *close], key=lambda s: (-lines.sales[s.match.product],
                                                       -float(self.index.sales[s.match.product])))
        first, second = (s.match.product for s in ranked[:2])
        if lines.line[first] != lines.line[second]:  # two variants: the one that sells best overall
            top, runner = lines.sales[first], lines.sales[second]
        else:  # two packs of one variant
            top, runner = float(self.index.sales[first]), float(self.index.sales[second])
        if top > 0 and top >= BEST_SELLER * runner:
            return ranked[0], []
        return best, close

    def _product_words(self, span: Span) -> list[str]:
        """The span's product words, with the filler words this catalogue's names say ("Chik Total
        Repair Shampoo": "total" is no filler here), in the order said."""
        kept = NAME_FILLERS & lines_for(self.index).vocabulary
        if kept.isdisjoint(span.tokens):
            return span.words
        out: list[str] = []
        j = 0
        for t in span.tokens:
            if j < len(span.words) and span.words[j] in (t, strip_suffix(t)):
                out.append(span.words[j])
                j += 1
            elif t in kept:
                out.append(t)
        return out + span.words[j:]

    def _says_exactly(self, product: int, words: list[str]) -> bool:
        """Whether the product's names say one of the words (or its catalogue word) as it is."""
        names = {*families_for(self.index).name_words(product),
                 *self.index.query_words(self.index.products[product].brand).split()}
        return any(w in names or SHOP_WORDS.get(w) in names for w in words)

    def _prices_said(self, matches: list[Match], packs: list[float],
                     prices: list[float]) -> tuple[list[float], list[float]]:
        """A number tied to what follows ("10 ko") that is no pack of the best matches but the
        price of one of them names that price, not a pack."""
        top = self._top(matches)
        for n in list(packs):
            if not any(pack_fits(float(self.index.size[p]), int(self.index.multipack[p]), n) for p in top) \
                    and any(price_fits(float(self.index.products[p].price), n) for p in top):
                packs = [x for x in packs if x != n]
                prices = [*prices, n]
        return packs, prices

    def _price_packs(self, matches: list[Match], said: float) -> list[float]:
        """The pack a shelf price names: the size of the best match carrying that price, else the
        brand's single pack at the price's place on the ladder (nlu.packs.PRICE_LADDER)."""
        top = self._top(matches)
        priced = [p for p in top if price_fits(float(self.index.products[p].price), said)]
        if priced:
            return [float(self.index.size[priced[0]])] if self.index.size[priced[0]] else []
        rank = ladder_rank(said)
        sizes = lines_for(self.index).brand_packs(top[0])  # a brand prices its packs alike across variants
        return [sizes[rank]] if rank is not None and rank < len(sizes) else []

    def _top(self, matches: list[Match]) -> list[int]:
        return [m.product for m in matches[:FAMILY_LIMIT] if m.score >= matches[0].score - FAMILY_KEEP]

    def _sold_by_measure(self, product: Product) -> bool:
        unit = self.index.units.unit(product.unit)
        return unit is not None and unit.kind in (MASS, VOLUME)

    def _describes(self, span: Span) -> list[bool]:
        """For each amount, whether it describes the pack rather than counts it: a measure tied to
        the words after it by "ko"/"wala" ("surf 1 kg ko", "5 kg wala") is a size."""
        tokens = span.tokens
        return [a.is_measure and a.end < len(tokens) and tokens[a.end] in CONNECTORS for a in span.amounts]

    def _score(self, match: Match, quantity: Amount | None, size: Amount | None, hints: list[str],
               packs: list[float], single: bool = False, near: bool = False,
               said_units: list[str] | None = None) -> _Scored:
        product = self.index.products[match.product]
        score = match.score
        if said_units:
            plain = lines_for(self.index).plain_words(match.product)
            if any(u in plain or u.rstrip("s") in plain for u in said_units):
                score += NAME_UNIT_BONUS
        wanted = _wanted_unit(quantity, hints)
        bulk = self._is_bulk(match.product)
        if wanted and product.unit == wanted:
            score += UNIT_BONUS
        elif wanted and same_family(product.unit, wanted):
            score += FAMILY_BONUS
        elif bulk or (wanted in _CASE_UNITS):
            score -= BULK_PENALTY  # a carton when none was asked for, or a packet when a carton was
        if packs and size is None:
            said = [pack_fits(float(self.index.size[match.product]), int(self.index.multipack[match.product]), n)
                    for n in packs]
            if all(said):
                score += SIZE_BONUS
                if self.index.multipack[match.product] and \
                        not any(abs(n - int(self.index.multipack[match.product])) < 1e-9 for n in packs):
                    score -= MULTIPACK_UNSAID  # "bourbon 50": the 50 g pack, not the 12x50 g
            elif any(said):  # "12x70" said, a single 70 g pack fits only half of it
                score += SIZE_BONUS / 4
            elif said[0] is False:
                score -= SIZE_PENALTY
        multipack = int(self.index.multipack[match.product])
        if size is not None:
            fits = self.index.size_matches(match.product, size.base)
            if near and fits is False:
                fits = abs(float(self.index.size[match.product]) - size.base) <= NEAR_SIZE * size.base
            score += {True: SIZE_BONUS, False: -SIZE_PENALTY, None: 0.0}[fits]
            if fits and multipack and not any(abs(n - multipack) < 1e-9 for n in packs):
                score -= MULTIPACK_UNSAID  # "70 gm" is the single 70 g pack, not the 4x70 g
        if single and multipack:
            score -= MULTIPACK_UNSAID
        elif quantity is not None and quantity.is_measure:
            pack = float(self.index.size[match.product])
            if self.index.units.unit(product.unit) and self.index.units.unit(product.unit).kind in (MASS, VOLUME):
                score += FIT_BONUS
            elif pack:
                packs = quantity.base / pack  # infinite for a 400-digit number: the handlers refuse it
                whole = math.isfinite(packs) and packs >= 1 and abs(packs - round(packs)) < 0.01
                score += FIT_BONUS if whole else -FIT_BONUS
        return _Scored(match, product, score)

    def _is_bulk(self, i: int) -> bool:
        bulk = self._bulk.get(i)
        if bulk is None:
            bulk = self._bulk[i] = self._bulk_product(i, self.index.products[i])
        return bulk

    def _bulk_product(self, i: int, product: Product) -> bool:
        counted = product.unit not in ("kg", "g", "l", "ml")
        return (product.unit in BULK_UNITS or bool(_PACK_COUNT.search(product.name.lower()))
                or (counted and float(self.index.size[i]) >= _BULK_SIZE))

    def _convert(self, quantity: Amount | None, owner: _Scored | None,
                 size: Amount | None = None) -> tuple[float | None, str | None]:
        """Quantity in the chosen product's selling unit where that makes sense."""
        if quantity is None:
            return None, owner.product.unit if owner else None
        said = quantity.unit
        if owner is not None and size is not None and size.unit is not None and not quantity.is_measure \
                and self._sold_by_measure(owner.product):
            # "chini 2 kg ko 5 poka" of loose sugar: five packs of 2 kg are 10 kg
            per_pack = self.index.units.convert(size.value, size.unit, owner.product.unit)
            if per_pack is not None:
                count = quantity.value * (12 if said is not None and said.kind == DOZEN else 1)
                return _tidy(count * per_pack), owner.product.unit
        if owner is None:  # siblings in different units: keep what the shop said
            keep = said is not None and said.name != GENERIC_COUNT and said.kind != DOZEN
            return quantity.value, said.name if keep and said else None
        target = owner.product.unit
        if said is None or said.name == GENERIC_COUNT:
            return quantity.value, target
        if said.kind == DOZEN:
            return quantity.value * 12, target
        if said.kind == COUNT:
            return quantity.value, target if same_family(said.name, target) else said.name
        converted = self.index.units.convert(quantity.value, said, target)
        if converted is not None:
            return _tidy(converted), target
        pack = float(self.index.size[owner.match.product])
        if pack and self.index.units.unit(target) and self.index.units.unit(target).kind == COUNT:
            return _tidy(quantity.base / pack), target
        return quantity.value, said.name


def _quantity_and_size(amounts: list[Amount], describes: list[bool],
                       tokens: list[str]) -> tuple[Amount | None, Amount | None]:
    """The amount ordered and the pack size described: "surf 1 kg ko 10 packet" -> 10 packet, 1 kg.

    A measure tied to the words after it ("1 kg ko", "5 kg wala") only describes the pack, so
    "surf excel 1 kg ko price" asks about the 1 kg packet and orders no quantity.
    """
    counts = [a for a in amounts if is_count(a)]
    ordering = [a for a in counts if not _names_pack(a, tokens)]
    if ordering and len(ordering) < len(counts):
        counts = ordering  # "maggi 12 wala 5 packet", "50 carton lux 4 wala", "6 poka ... 12x50"
    counted = [a for a in counts if a.unit is not None]
    if counted and len(counted) < len(counts):
        counts = counted  # "1 pc tokla chai 250": the count with a unit is the quantity, 250 the pack
    measures = [a for a in amounts if a.is_measure]
    if counts:
        return counts[-1], (measures[0] if measures else None)
    if measures and all(d for a, d in zip(amounts, describes, strict=True) if a.is_measure):
        return None, measures[0]
    if measures:
        return measures[-1], (measures[0] if len(measures) > 1 else None)
    return None, None


def _names_pack(amount: Amount, tokens: list[str]) -> bool:
    """A bare number that describes the pack: tied to what follows ("12 wala") or part of "12x50"."""
    if amount.unit is not None:
        return False
    after = tokens[amount.end] if amount.end < len(tokens) else ""
    before = tokens[amount.start - 1] if amount.start > 0 else ""
    return after in CONNECTORS or after == "x" or before == "x"


def _wanted_unit(quantity: Amount | None, hints: list[str]) -> str | None:
    if quantity is not None and quantity.unit is not None and quantity.unit.kind == COUNT \
            and quantity.unit.name != GENERIC_COUNT:
        return quantity.unit.name
    named = [h for h in hints if h not in ("kg", "g", "l", "ml", GENERIC_COUNT, "dozen")]
    return named[-1] if named else None


def _tidy(value: float) -> float:
    return round(value, 4)
