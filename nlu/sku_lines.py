"""A brand line's sales: the SKUs of one product in every pack size ("Coca-Cola Orange Soft Drink"
in 250 ml, 500 ml, 1.25 L ...), and the words their names say.

When a shop leaves the variant out, the variant that sells best overall is meant, whatever pack it
names: the line's sales decide between lines, a SKU's own sales between the packs of one line.
"""

from __future__ import annotations

import re

from nlu.catalog_index import CatalogIndex
from nlu.normalize import prepare
from nlu.per_catalogue import PerCatalogue

_PROMO = re.compile(r"\([^)]*\)")


class Lines:
    """Per product: its line's total sales, its brand's pack sizes and the plain words of its name."""

    def __init__(self, index: CatalogIndex) -> None:
        self.fingerprint = index.fingerprint
        # the key words without numbers and offers: "16x6 ml Sachet" keeps a "16", "(Buy 2 Get 1)"
        keys = [" ".join(w for w in index.query_words(_PROMO.sub(" ", p.name)).split() if not w.isdigit())
                for p in index.products]
        live = [index.is_live(i) for i in range(len(index.products))]  # removed products count for nothing
        totals: dict[str, float] = {}
        for key, sales, alive in zip(keys, index.sales, live, strict=True):
            totals[key] = totals.get(key, 0.0) + float(sales) * alive
        self.line = keys
        self.sales = [totals[k] for k in keys]
        self.vocabulary = frozenset(w for p, alive in zip(index.products, live, strict=True) if alive
                                    for n in (p.name, *p.aliases) for w in prepare(n).split())
        packs: dict[tuple[str, str], set[float]] = {}
        for i, p in enumerate(index.products):
            if live[i] and index.size[i] and not index.multipack[i] and index.sales[i] > 0:
                packs.setdefault((p.brand, p.category), set()).add(float(index.size[i]))
        self._packs = {k: tuple(sorted(v)) for k, v in packs.items()}
        self._plain: dict[int, frozenset[str]] = {}
        self._index = index

    def brand_packs(self, product: int) -> tuple[float, ...]:
        """The single-pack sizes (g or ml) the product's brand sells in its kind, smallest first."""
        p = self._index.products[product]
        return self._packs.get((p.brand, p.category), ())

    def plain_words(self, product: int) -> frozenset[str]:
        """The name's words as written ("sachet", "jar", "tin" included)."""
        words = self._plain.get(product)
        if words is None:
            name = _PROMO.sub(" ", self._index.products[product].name)  # "(24 bottles)" is no pack word
            words = self._plain[product] = frozenset(prepare(name).split())
        return words


lines_for = PerCatalogue(Lines)
"""The index's lines, built once per catalogue (again after a rebuild)."""


__all__ = ["Lines", "lines_for"]
