"""Read a catalogue CSV: header sku,name,aliases,brand,category,unit,price; aliases split by "|"."""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path

from domain.catalog import SELLING_UNITS, Product

COLUMNS = ("sku", "name", "aliases", "brand", "category", "unit", "price")
_REQUIRED = ("sku", "name", "unit", "price")


def read_catalog_csv(path: str | Path) -> tuple[list[Product], list[tuple[int, str]]]:
    """Products of a CSV file, and (line number, error) for every row that was left out."""
    products: list[Product] = []
    errors: list[tuple[int, str]] = []
    seen: set[str] = set()
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in _REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            return [], [(1, f"missing column(s): {', '.join(missing)}")]
        for row in reader:
            line = reader.line_num
            product, error = _product(row)
            if error is None and product is not None and product.sku in seen:
                error = f"duplicate sku {product.sku!r}"
            if error is not None or product is None:
                errors.append((line, error or "unreadable row"))
                continue
            seen.add(product.sku)
            products.append(product)
    return products, errors


def _product(row: dict[str, str | None]) -> tuple[Product | None, str | None]:
    values = {k: (row.get(k) or "").strip() for k in COLUMNS}
    for column in _REQUIRED:
        if not values[column]:
            return None, f"empty {column}"
    unit = values["unit"].lower()
    if unit not in SELLING_UNITS:
        return None, f"unknown unit {values['unit']!r} (expected one of {', '.join(sorted(SELLING_UNITS))})"
    try:
        price = Decimal(values["price"])
    except InvalidOperation:
        return None, f"price {values['price']!r} is not a number"
    if price < 0:
        return None, "negative price"
    aliases = tuple(a.strip() for a in values["aliases"].split("|") if a.strip())
    return Product(sku=values["sku"], name=values["name"], unit=unit, price=price, aliases=aliases,
                   brand=values["brand"], category=values["category"]), None
