"""/vendor, /vendors top, /retailer, /credit: how vendors and retailers stand, and credit limits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.formatting import money, platform_zone
from handlers.admin import views
from handlers.admin.args import find_person
from handlers.admin.framework import Audit, UsageError, admin_command, parse_amount, require, rest
from handlers.context import Reply
from handlers.routing import Router
from services import UnitOfWork
from services.catalogue import products
from services.credit import scorecard_of
from services.ops.people import retailer_profile, set_credit_limit, vendor_profile, vendor_ranking
from services.reminders import predicted_order

router = Router("admin.people")


@admin_command(router, "/vendor", usage="/vendor PHONE|NAME",
               summary="a vendor's score breakdown, tier, load and response time")
async def show_vendor(args: list[str], reply: Reply, uow: UnitOfWork, now: datetime, config: Any) -> None:
    require(args, 1)
    vendor = await find_person(uow, rest(args, 0), "vendor")
    profile = await vendor_profile(uow, vendor.id, now, on_time_within=config.orders.delivery_limit)
    if profile is None:
        raise UsageError(f"{vendor.name} has no vendor record")
    await reply.text(views.vendor_profile(profile, platform_zone(config)))


@admin_command(router, "/vendors", usage="/vendors top", summary="vendors ranked by score")
async def top_vendors(args: list[str], reply: Reply, uow: UnitOfWork) -> None:
    require(args, 1, 1)
    if args[0].lower() != "top":
        raise UsageError(f"unknown listing {args[0]!r}")
    await reply.text(views.vendor_ranking(await vendor_ranking(uow)))


@admin_command(router, "/retailer", usage="/retailer PHONE|NAME",
               summary="a retailer's credit, outstanding balance, order frequency and credit scorecard")
async def show_retailer(args: list[str], reply: Reply, uow: UnitOfWork, now: datetime, config: Any) -> None:
    require(args, 1)
    retailer = await find_person(uow, rest(args, 0), "retailer")
    profile = await retailer_profile(uow, retailer.id, now)
    if profile is None:
        raise UsageError(f"{retailer.name} has no retailer record")
    card = await scorecard_of(uow, retailer.id, now, config)
    scorecard = views.scorecard_lines(card) if card is not None else []
    plan = await predicted_order(uow, retailer.id, now, config)
    found = await products(uow, [sku for sku, _ in plan.basket]) if plan else {}
    await reply.text("\n".join([views.retailer_profile(profile, platform_zone(config)),
                                views.predicted_order_line(plan, found), *scorecard]))


@admin_command(router, "/credit", usage="/credit PHONE|NAME limit AMOUNT", summary="set a retailer's credit limit")
async def set_limit(args: list[str], reply: Reply, uow: UnitOfWork, now: datetime) -> Audit:
    require(args, 3)
    if args[-2].lower() != "limit":
        raise UsageError("write: /credit PHONE|NAME limit AMOUNT")
    amount = parse_amount(args[-1])
    retailer = await find_person(uow, " ".join(args[:-2]), "retailer")
    old = await set_credit_limit(uow, retailer.id, amount, now)
    if old is None:
        raise UsageError(f"{retailer.name} has no retailer record")
    await reply.text(f"Credit limit of {retailer.name} ({retailer.phone}): {money(old)} → {money(amount)}")
    return Audit(subject=retailer.phone, before={"credit_limit": str(old)}, after={"credit_limit": str(amount)})
