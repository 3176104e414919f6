"""Catalogue types shared by the NLU, storage and handlers."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

SELLING_UNITS = frozenset(
    "kg g l ml piece packet bottle can box crate carton sack dozen jar tube bar pouch".split()
)


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    name: str
    unit: str
    price: Decimal
    aliases: tuple[str, ...] = field(default=())
    brand: str = ""
    category: str = ""
