"""Read a catalogue CSV: header sku,name,aliases,brand,category,unit,price; aliases split by "|"."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from domain.catalog import CATALOG_HEADER, CatalogRowError, Product, product_from_row

_REQUIRED = ("sku", "name", "unit", "price")


class CatalogFileError(ValueError):
    """The file as a whole is unusable (no such columns)."""


def iter_catalog_csv(path: str | Path, errors: list[tuple[int, str]]) -> Iterator[tuple[int, Product]]:
    """Products with their line numbers, streamed; rows left out go to `errors` as (line, why)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in _REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise CatalogFileError(f"{path}: missing column(s) {', '.join(missing)}; expected header "
                                   + ",".join(CATALOG_HEADER))
        for row in reader:
            if None in row:
                errors.append((reader.line_num, "too many fields"))
                continue
            try:
                yield reader.line_num, product_from_row(row)
            except CatalogRowError as exc:
                errors.append((reader.line_num, str(exc)))


def read_catalog_csv(path: str | Path) -> tuple[list[Product], list[tuple[int, str]]]:
    """Products of a CSV file, and (line number, error) for every row that was left out."""
    errors: list[tuple[int, str]] = []
    try:
        rows = list(iter_catalog_csv(path, errors))
    except CatalogFileError as exc:
        return [], [(1, str(exc))]
    products: list[Product] = []
    seen: set[str] = set()
    for line, product in rows:
        if product.sku in seen:
            errors.append((line, f"duplicate sku {product.sku!r}"))
            continue
        seen.add(product.sku)
        products.append(product)
    return products, sorted(errors)
