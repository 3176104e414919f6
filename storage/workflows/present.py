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


def render_lines(notifier: Notifier, language: str, lines: Sequence[OrderLine], *, prices: bool = True) -> str:
    key = "order_line" if prices else "order_line_plain"
    return "\n".join(notifier.texts.render(key, language, name=li.name, quantity=qty(li.quantity), unit=li.unit,
                                           price=amount(li.unit_price), total=amount(li.line_total))
                     for li in lines)


async def tell(notifier: Notifier, phone: str, key: str, lines: Sequence[OrderLine] | None = None, *,
               prices: bool = True, **params: Any) -> None:
    """Send `key` to `phone` in its language, with `{lines}` rendered in that language too."""
    to_sender = isinstance(notifier, Reply) and notifier.phone == phone
    language = notifier.language if isinstance(notifier, Reply) and to_sender else await notifier.language_of(phone)
    if lines is not None:
        params["lines"] = render_lines(notifier, language, lines, prices=prices)
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
