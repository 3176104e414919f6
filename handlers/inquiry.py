"""Questions retailers ask: a product's price, whether it is in stock, where their order is, what a
category holds. Prices come from the same pricing as orders (`price_lines`): the rate quoted is the
rate this retailer would be charged today for one unit ordered alone, from the vendor that would
supply it at that vendor's price."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from domain.bounds import read_reference
from domain.catalog import Listing
from domain.formatting import amount
from domain.people import User
from handlers.context import Reply
from handlers.routing import RETAILER, Router
from handlers.services_text import order_lines
from nlu.types import Parse
from services import UnitOfWork
from services.catalogue import brand_products, brands, categories, category_products, products, vendors_with_stock
from services.choices import catalogue_products
from services.drafts import price_lines
from services.order_history import recent_orders

router = Router("inquiry")
MAX_ASKED = 4  # products answered for one question (the best candidates of an unclear name)


def asked_skus(parse: Parse) -> list[str]:
    """The products a question names: each item's match, or its top candidates when unclear."""
    skus: list[str] = []
    for item in parse.items:
        found = [item.sku] if item.sku else [c.sku for c in item.candidates[:3]]
        skus += [s for s in found if s and s not in skus]
    return skus[:MAX_ASKED]


async def _unit_prices(uow: UnitOfWork, config: Any, retailer_id: int, skus: Sequence[str]) -> str:
    lines = [line for sku in skus for line in await price_lines(uow, config, [(sku, Decimal(1))],
                                                                 retailer_id=retailer_id)]
    return "\n".join(f"• {li.name}: Rs {amount(li.unit_price)}/{li.unit}" for li in lines)


def _category_question(parse: Parse) -> str | None:
    """A category named with no definite product ("k k biscuit cha?", "biscuit ko rate?")."""
    category = parse.entities.get("category")
    return str(category) if category and not any(i.sku for i in parse.items) else None


async def _products_asked(reply: Reply, parse: Parse, uow: UnitOfWork, config: Any, user: User) -> list[str]:
    """The SKUs a price or stock question names; answers a category question or asks which product
    itself, and then returns nothing."""
    category = _category_question(parse)
    if category:
        await show_category(reply, uow, config, user, category)
        return []
    skus = asked_skus(parse)
    if not skus:
        await reply("inquiry_which_product")
    return skus


@router.intent("inquiry_price", roles=(RETAILER,))
async def price(reply: Reply, parse: Parse, uow: UnitOfWork, config: Any, user: User) -> None:
    skus = await _products_asked(reply, parse, uow, config, user)
    if skus:
        await reply("inquiry_prices", lines=await _unit_prices(uow, config, user.id, skus))


@router.intent("inquiry_stock", roles=(RETAILER,))
async def stock(reply: Reply, parse: Parse, uow: UnitOfWork, config: Any, user: User) -> None:
    skus = await _products_asked(reply, parse, uow, config, user)
    if not skus:
        return
    vendors = await vendors_with_stock(uow, skus)
    names = {p.sku: p.name for p in (await products(uow, skus)).values()}
    lines = [reply.texts.render("inquiry_in_stock" if vendors[sku] else "inquiry_out_of_stock", reply.language,
                                name=names[sku], vendors=vendors[sku]) for sku in skus if sku in names]
    await reply("inquiry_stock", lines="\n".join(lines))


async def answer_beside(reply: Reply, parse: Parse, uow: UnitOfWork, config: Any, user: User) -> None:
    """The question an order's message also asked (Parse.question), answered as if asked alone."""
    if parse.question is None:
        return
    asked = dataclasses.replace(parse, intent=parse.question.intent, items=parse.question.items, question=None)
    await (price if asked.intent == "inquiry_price" else stock)(reply, asked, uow, config, user)


@router.intent("order_status", roles=(RETAILER,))
async def order_status(reply: Reply, parse: Parse, user: User, uow: UnitOfWork, config: Any) -> None:
    ref = str(parse.entities.get("order_ref") or "")
    order_id = read_reference(ref) if ref else None
    orders = await recent_orders(uow, user.id, limit=3, order_id=order_id)
    if order_id and not orders:
        await reply("order_status_unknown", order_id=ref)
        return
    if not orders:
        await reply("order_status_none")
        return
    await reply("order_status", lines=order_lines(reply, config, orders))


@router.intent("browse_category", roles=(RETAILER,))
async def browse(reply: Reply, parse: Parse, uow: UnitOfWork, config: Any, user: User) -> None:
    category = str(parse.entities.get("category") or "")
    if not category:
        category = named_category(parse.text, await categories(uow)) or ""
    # "rara ko variety dekhau": a brand's products
    if not category and (brand := named_category(parse.text, await brands(uow))):
        await show_listings(reply, uow, config, user, await brand_products(uow, brand), brand)
        return
    await show_category(reply, uow, config, user, category)


def named_category(text: str, categories: Sequence[str]) -> str | None:
    """A catalogue category (or brand) the text names, singular or plural ("oils", "soft drink")."""
    words = " " + " ".join(re.findall(r"\w+", text.lower())) + " "
    for category in sorted(categories, key=len, reverse=True):
        stem = category.lower().rstrip("s")
        if re.search(rf" {re.escape(stem)}s? ", words):
            return category
    return None


async def show_category(reply: Reply, uow: UnitOfWork, config: Any, user: User, category: str) -> None:
    """A category's products with today's unit prices, or the list of categories when it is unknown."""
    listings = await category_products(uow, category) if category else []
    if not listings:
        await reply("browse_which_category", categories=", ".join(await categories(uow)))
        return
    await show_listings(reply, uow, config, user, listings, listings[0].category)


async def show_listings(reply: Reply, uow: UnitOfWork, config: Any, user: User, listings: list[Listing],
                        title: str) -> None:
    """Products with today's unit prices; with a connected WhatsApp catalogue, the products themselves too."""
    catalog_id = config.channels.meta.catalog_id  # connected: the products themselves, to put in a cart
    shown = catalogue_products(catalog_id, reply.texts.render("catalogue_pick", reply.language), listings) \
        if catalog_id else None
    await reply("browse_category", category=title,
                lines=await _unit_prices(uow, config, user.id, [p.sku for p in listings]), interactive=shown)
