"""Transitional: the notifier-based `tell` of services not yet recording events. Each family moves to
`uow.record(...)` and `services.notifications`; this module goes when the last caller does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from domain.formatting import amount, qty
from domain.orders import OrderLine
from domain.people import Person
from storage.notifier import Notifier
from storage.repos.products import ProductRepository
from storage.repos.users import UserRepository


async def render_lines(notifier: Notifier, language: str, lines: Sequence[OrderLine], *, prices: bool = True) -> str:
    key = "order_line" if prices else "order_line_plain"
    aliases = await ProductRepository(notifier.conn).names_in_script([li.sku for li in lines], language)
    texts = notifier.texts
    return "\n".join(texts.render(key, language, quantity=qty(li.quantity), unit=li.unit, price=amount(li.unit_price),
                                  total=amount(li.line_total),
                                  name=texts.render("product_alias_name", language, alias=aliases[li.sku], name=li.name)
                                  if li.sku in aliases else li.name)
                     for li in lines)


async def tell(notifier: Notifier, phone: str, key: str, lines: Sequence[OrderLine] | None = None, *,
               prices: bool = True, **params: Any) -> None:
    language = await notifier.language_of(phone)
    if lines is not None:
        params["lines"] = await render_lines(notifier, language, lines, prices=prices)
    if notifier.is_sender(phone):
        await notifier.reply(key, **params)
    else:
        await notifier.notify(phone, key, language=language, **params)


async def person(conn: asyncpg.Connection, user_id: int) -> Person:
    return await UserRepository(conn).person(user_id)
