"""The retailer's price comes from the cost of the vendor the order goes to (its own price, else the
catalogue price), through the pricing engine; a rate question quotes the same."""

from __future__ import annotations

from decimal import Decimal as D

from domain.money import money
from services.drafts import price_lines
from services.prices import set_vendor_prices
from tests.services.conftest import World
from tests.services.test_orders import confirm, draft


async def test_the_offered_vendors_own_price_is_the_cost_priced(world: World) -> None:
    now, config = world.clock.now(), world.config
    async with world.uow() as uow:
        await set_vendor_prices(uow, world.sita, [("SUGAR-LOOSE", D(100), None)], "test", now, config)
        await set_vendor_prices(uow, world.gita, [("SUGAR-LOOSE", D(96), None)], "test", now, config)
        [quoted] = await price_lines(uow, config, [("SUGAR-LOOSE", D(1))], retailer_id=world.ram)
    order_id = await draft(world, world.ram, ("SUGAR-LOOSE", "2"))
    result = await confirm(world, order_id)
    async with world.pool.acquire() as conn:
        vendor = await conn.fetchval("SELECT vendor_id FROM order_offers WHERE order_id = $1", order_id)
        unit_price = await conn.fetchval("SELECT unit_price FROM order_items WHERE order_id = $1", order_id)
    cost = {world.sita: D(100), world.gita: D(96)}[vendor]
    assert result.outcome.value == "CONFIRMED"
    assert unit_price == money(cost * D("1.08")) == quoted.unit_price   # sugar: the default 8 % margin
    assert unit_price != D("113.40")                                     # not the catalogue cost 105 × 1.08


async def test_without_vendor_prices_the_catalogue_cost_is_priced(world: World) -> None:
    async with world.uow() as uow:
        [line] = await price_lines(uow, world.config, [("SUGAR-LOOSE", D(2))], retailer_id=world.ram)
    assert line.unit_price == D("113.40") and line.line_total == D("226.80")
