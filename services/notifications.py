"""Events → who is told what: the one place that turns what happened into recipients and text keys.

`publish` is the unit of work's hook (see `services.bootstrap`): each recorded event is looked up in
`NOTICES` and its function writes outbox rows through `uow.notifier`, in the same transaction. A new
channel or a new language touches the notifier or `data/messages/`, never the services.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from domain.formatting import amount, qty
from domain.orders import OrderLine
from services.events import Event
from storage.uow import UnitOfWork

E = TypeVar("E", bound=Event)
Notice = Callable[[UnitOfWork, E], Awaitable[None]]
NOTICES: dict[type[Event], Notice[Any]] = {}


def notice(kind: type[E]) -> Callable[[Notice[E]], Notice[E]]:
    """Register the function that tells people about events of `kind`."""
    def register(func: Notice[E]) -> Notice[E]:
        if kind in NOTICES:
            raise ValueError(f"{kind.__name__} already has a notice")
        NOTICES[kind] = func
        return func
    return register


async def publish(uow: UnitOfWork, event: Event) -> None:
    notify = NOTICES.get(type(event))
    if notify is not None:  # an event nobody is told about (kept on uow.events for tests and audits)
        await notify(uow, event)


async def render_lines(uow: UnitOfWork, language: str, lines: Sequence[OrderLine], *, prices: bool = True) -> str:
    """Order lines in the reader's language, product names in the reader's script where the catalogue has it."""
    key = "order_line" if prices else "order_line_plain"
    aliases = await uow.products.names_in_script([li.sku for li in lines], language)
    texts = uow.notifier.texts
    return "\n".join(texts.render(key, language, quantity=qty(li.quantity), unit=li.unit, price=amount(li.unit_price),
                                  total=amount(li.line_total),
                                  name=texts.render("product_alias_name", language, alias=aliases[li.sku], name=li.name)
                                  if li.sku in aliases else li.name)
                     for li in lines)


async def tell(uow: UnitOfWork, phone: str, key: str, lines: Sequence[OrderLine] | None = None, *,
               prices: bool = True, **params: Any) -> None:
    """Send `key` to `phone` in its language, with `{lines}` rendered in that language too; to the
    sender of the message being handled this is part of the answer."""
    notifier = uow.notifier
    language = await notifier.language_of(phone)
    if lines is not None:
        params["lines"] = await render_lines(uow, language, lines, prices=prices)
    if notifier.is_sender(phone):
        await notifier.reply(key, **params)
    else:
        await notifier.notify(phone, key, language=language, **params)


# ordering and fulfilment ---------------------------------------------------------------------------


# payments, credit, healing, safe mode, reminders -----------------------------------------------------


# operators and the desk ----------------------------------------------------------------------------
