"""Order text pieces rendered in the reader's language: lines, amounts, who is who."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import asyncpg

from storage.notify import Notifier, Reply
from storage.repos.orders import OrderLine


def amount(value: Decimal) -> str:
    """1234.5 -> '1,234.50'."""
    return f"{value:,.2f}"


def qty(value: Decimal) -> str:
    """2.000 -> '2', 2.500 -> '2.5'."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


async def names_in_script(conn: asyncpg.Connection, skus: Sequence[str], language: str) -> dict[str, str]:
    """sku -> the catalogue alias written in the reader's script, for readers of Devanagari (the
    shortest such alias, so the common word rather than a phrase)."""
    if not language.endswith("-deva") or not skus:
        return {}
    rows = await conn.fetch(
        "SELECT DISTINCT ON (sku) sku, alias FROM product_aliases WHERE sku = ANY($1::text[])"
        " AND alias ~ '[\u0900-\u097F]' ORDER BY sku, length(alias), alias", list(skus))
    return {r["sku"]: r["alias"] for r in rows}


async def render_lines(notifier: Notifier, language: str, lines: Sequence[OrderLine], *, prices: bool = True) -> str:
    """Order lines in the reader's language, product names in the reader's script where the catalogue has it."""
    key = "order_line" if prices else "order_line_plain"
    aliases = await names_in_script(notifier.conn, [li.sku for li in lines], language)
    texts = notifier.texts
    return "\n".join(texts.render(key, language, quantity=qty(li.quantity), unit=li.unit, price=amount(li.unit_price),
                                  total=amount(li.line_total),
                                  name=texts.render("product_alias_name", language, alias=aliases[li.sku], name=li.name)
                                  if li.sku in aliases else li.name)
                     for li in lines)


async def tell(notifier: Notifier, phone: str, key: str, lines: Sequence[OrderLine] | None = None, *,
               prices: bool = True, **params: Any) -> None:
    """Send `key` to `phone` in its language, with `{lines}` rendered in that language too."""
    to_sender = isinstance(notifier, Reply) and notifier.phone == phone
    language = notifier.language if isinstance(notifier, Reply) and to_sender else await notifier.language_of(phone)
    if lines is not None:
        params["lines"] = await render_lines(notifier, language, lines, prices=prices)
    if isinstance(notifier, Reply) and to_sender:
        await notifier(key, **params)
    else:
        await notifier.notify(phone, key, language=language, **params)


@dataclass(frozen=True)
class Person:
    id: int
    phone: str
    name: str
    address: str


async def person(conn: asyncpg.Connection, user_id: int) -> Person:
    row = await conn.fetchrow(
        "SELECT u.id, u.phone, u.name, COALESCE(r.address, '') AS address FROM users u"
        " LEFT JOIN retailers r ON r.user_id = u.id WHERE u.id = $1", user_id)
    if row is None:
        raise LookupError(f"no user {user_id}")
    return Person(row["id"], row["phone"], row["name"], row["address"])
