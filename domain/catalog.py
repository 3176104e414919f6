"""Catalogue types shared by the NLU, storage and handlers."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from domain.money import PRICE_MAX

SELLING_UNITS = frozenset({
    "kg", "g", "l", "ml", "piece", "packet", "bottle", "can", "box", "crate", "carton", "sack", "dozen",
    "jar", "tube", "bar", "pouch", "bag",
})


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    name: str
    unit: str
    price: Decimal
    aliases: tuple[str, ...] = field(default=())
    brand: str = ""
    category: str = ""
    weight_kg: Decimal | None = None     # per unit; None: from the unit (domain/weights.py)
    sales: float = 0.0  # units sold lately (catalogue `sales` column): breaks ties between siblings


@dataclass(frozen=True)
class Listing:
    """A product as a category listing shows it."""

    sku: str
    name: str
    unit: str
    category: str


CATALOG_HEADER = ("sku", "name", "aliases", "brand", "category", "unit", "price")


class CatalogRowError(ValueError):
    """A catalogue row that cannot become a product; the message says which field and why."""


def product_from_row(row: dict[str, str | None]) -> Product:
    """One CSV row (header `sku,name,aliases,brand,category,unit,price`) as a Product."""
    sku = (row.get("sku") or "").strip()
    name = (row.get("name") or "").strip()
    unit = (row.get("unit") or "").strip().lower()
    if not sku:
        raise CatalogRowError("sku is empty")
    if not name:
        raise CatalogRowError("name is empty")
    if unit not in SELLING_UNITS:
        raise CatalogRowError(f"unit {unit!r} is not one of {', '.join(sorted(SELLING_UNITS))}")
    try:
        price = Decimal((row.get("price") or "").strip())
    except ArithmeticError as exc:
        raise CatalogRowError(f"price {row.get('price')!r} is not a number") from exc
    if not price.is_finite() or price < 0:
        raise CatalogRowError(f"price {row.get('price')!r} must be zero or more")
    if price > PRICE_MAX:
        raise CatalogRowError(f"price {row.get('price')!r} is more than {PRICE_MAX} a unit")
    aliases = tuple(dict.fromkeys(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()))
    return Product(sku=sku, name=name, unit=unit, price=price.quantize(Decimal("0.01")), aliases=aliases,
                   brand=(row.get("brand") or "").strip(),
                   category=(row.get("category") or "").strip().lower(), weight_kg=_weight(row.get("weight_kg")),
                   sales=_sales(row.get("sales")))


def _weight(text: str | None) -> Decimal | None:
    """The optional `weight_kg` column: empty for the default from the unit, else more than 0 and under 10 t."""
    if not (text or "").strip():
        return None
    try:
        weight = Decimal((text or "").strip())
    except ArithmeticError as exc:
        raise CatalogRowError(f"weight_kg {text!r} is not a number") from exc
    if not weight.is_finite() or not 0 < weight < 10_000:
        raise CatalogRowError(f"weight_kg {text!r} must be more than 0 and under 10000")
    return weight.quantize(Decimal("0.001"))


def _sales(raw: str | None) -> float:
    """The optional sales column; blank or unreadable counts as no sales (it only breaks ties)."""
    try:
        value = float((raw or "").strip() or 0)
    except ValueError:
        return 0.0
    return value if value > 0 and value < 1e12 else 0.0
