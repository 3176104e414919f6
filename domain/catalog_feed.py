"""A product feed for Meta Commerce Manager: one row per product, the columns Meta's CSV feed reads.

The price is ours (the catalogue price, in the configured currency, "123.00 NPR"); an order placed
from the WhatsApp catalogue is priced again by the ordering engine, never by the feed's figure.
"""

from __future__ import annotations

from decimal import Decimal

from domain.catalog import Product

FEED_HEADER = ("id", "title", "description", "availability", "condition", "price", "brand", "link", "image_link")
CURRENCIES = ("NPR", "INR")
MAX_TITLE, MAX_DESCRIPTION = 200, 9999  # Commerce Manager's limits


def feed_price(price: Decimal, currency: str) -> str:
    """Decimal('60') -> '60.00 NPR' (Meta's "amount ISO-code" form, two decimals, no grouping)."""
    if currency not in CURRENCIES:
        raise ValueError(f"currency {currency!r} is not one of {', '.join(CURRENCIES)}")
    return f"{price.quantize(Decimal('0.01')):f} {currency}"


def feed_row(product: Product, *, in_stock: bool, currency: str, link: str, image_link: str) -> dict[str, str]:
    """The feed row of `product`; `link` and `image_link` are templates with `{sku}` in them."""
    description = f"{product.name}, sold per {product.unit}" + (f" ({product.category})" if product.category else "")
    return {
        "id": product.sku,
        "title": product.name[:MAX_TITLE],
        "description": description[:MAX_DESCRIPTION],
        "availability": "in stock" if in_stock else "out of stock",
        "condition": "new",
        "price": feed_price(product.price, currency),
        "brand": product.brand or "Khaacho",
        "link": link.replace("{sku}", product.sku),
        "image_link": image_link.replace("{sku}", product.sku),
    }
