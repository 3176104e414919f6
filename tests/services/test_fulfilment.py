"""Vendors answering offers, timeouts and reassignment, on real PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from domain.orders import OrderStatus
from services.fulfilment import Answer, accept_order, advance_order, reject_order
from services.reassignment import Reassigned, expire_offers, reassign_order
from storage.repos.ledger import LedgerRepository
from tests.services.conftest import World
from tests.services.test_orders import confirm, draft

D = Decimal


async def confirmed(world: World, retailer: int, *items: tuple[str, str]) -> int:
    order_id = await draft(world, retailer, *items)
    assert (await confirm(world, order_id)).order_ids == [order_id]
    return order_id


async def act(world: World, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    async with world.uow() as uow:
        return await fn(uow, *args, now=world.clock.now(), **kwargs)


async def accept(world: World, order_id: int, vendor: int, without: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    return await act(world, accept_order, order_id, vendor, config=world.config, without=without)


async def status(world: World, order_id: int) -> tuple[str, int | None]:
    async with world.pool.acquire() as conn:
        row = await conn.fetchrow("SELECT status, vendor_id FROM orders WHERE id = $1", order_id)
    return row["status"], row["vendor_id"]


async def stock(world: World, vendor: int, sku: str) -> Decimal | None:
    async with world.pool.acquire() as conn:
        return await conn.fetchval("SELECT stock FROM vendor_products WHERE vendor_id = $1 AND sku = $2", vendor, sku)


async def test_happy_path_takes_stock_and_keeps_the_debit(world: World) -> None:
    async with world.pool.acquire() as conn:
        await conn.execute("UPDATE vendor_products SET stock = 12 WHERE sku = 'SUGAR-LOOSE'")
    order_id = await confirmed(world, world.ram, ("SUGAR-LOOSE", "5"))
    assert (await accept(world, order_id, world.gita)).answer is Answer.NOT_YOURS  # not offered to gita
    assert (await accept(world, order_id, world.sita)).answer is Answer.DONE
    assert (await accept(world, order_id, world.sita)).answer is Answer.ALREADY
    assert await stock(world, world.sita, "SUGAR-LOOSE") == D("7")
    delivered = await act(world, advance_order, order_id, world.sita, OrderStatus.DELIVERED)
    assert delivered.answer is Answer.WRONG_STATUS  # not dispatched yet
    for target in (OrderStatus.DISPATCHED, OrderStatus.DELIVERED):
        assert (await act(world, advance_order, order_id, world.sita, target)).answer is Answer.DONE
    assert await status(world, order_id) == ("DELIVERED", world.sita)
    async with world.pool.acquire() as conn:
        assert await LedgerRepository(conn).outstanding(world.ram) == D("567.00")
        low = await conn.fetchval("SELECT count(*) FROM outbound_messages WHERE body LIKE '%Low stock%'")
        path = [r["to_status"] for r in await conn.fetch("SELECT to_status FROM order_status_history ORDER BY id")]
    assert low == 1  # 7 < threshold 10
    assert path == ["PENDING_VENDOR", "ACCEPTED", "DISPATCHED", "DELIVERED"]


async def test_reject_goes_to_next_vendor_at_once(world: World) -> None:
    order_id = await confirmed(world, world.ram, ("SUGAR-LOOSE", "2"))
    result = await act(world, reject_order, order_id, world.sita, reason="no truck today", config=world.config)
    assert result.answer is Answer.DONE and result.reassigned.outcome is Reassigned.OFFERED
    assert await status(world, order_id) == ("PENDING_VENDOR", world.gita)
    assert (await accept(world, order_id, world.sita)).answer is Answer.NOT_YOURS
    assert (await accept(world, order_id, world.gita)).answer is Answer.DONE


async def test_last_stock_goes_to_the_first_accept(world: World) -> None:
    async with world.pool.acquire() as conn:
        await conn.execute("UPDATE vendor_products SET stock = 10 WHERE vendor_id = $1 AND sku = 'SUGAR-LOOSE'",
                           world.sita)
        await conn.execute("DELETE FROM vendor_products WHERE vendor_id = $1", world.gita)
    first = await confirmed(world, world.ram, ("SUGAR-LOOSE", "10"))
    second = await confirmed(world, world.hari, ("SUGAR-LOOSE", "10"))
    assert (await accept(world, first, world.sita)).answer is Answer.DONE
    late = await accept(world, second, world.sita)
    assert late.answer is Answer.NO_STOCK and late.reassigned.outcome is Reassigned.FAILED
    assert await stock(world, world.sita, "SUGAR-LOOSE") == D("0")
    assert (await status(world, second))[0] == "FAILED"
    async with world.pool.acquire() as conn:
        assert await LedgerRepository(conn).outstanding(world.hari) == D("0.00")


async def test_partial_accept_sends_the_rest_elsewhere(world: World) -> None:
    order_id = await confirmed(world, world.ram, ("SUGAR-LOOSE", "2"), ("COKE-500-BTL", "6"))
    result = await accept(world, order_id, world.sita, without=("COKE-500-BTL",))
    assert result.answer is Answer.DONE and result.child_id == order_id + 1
    assert await status(world, order_id) == ("ACCEPTED", world.sita)
    assert await status(world, result.child_id) == ("PENDING_VENDOR", world.gita)
    async with world.pool.acquire() as conn:
        held = {r["order_id"]: r["held"] for r in await conn.fetch(
            "SELECT order_id, sum(amount) AS held FROM credit_ledger GROUP BY order_id")}
        totals = {r["id"]: r["total"] for r in await conn.fetch("SELECT id, total FROM orders")}
    assert held == totals and sum(held.values()) == D("226.80") + D("356.40")


async def test_timeouts_penalise_and_escalate_after_max_attempts(world: World) -> None:
    third = await conn_vendor(world, "+9779800000103", "Hira Suppliers")
    order_id = await confirmed(world, world.ram, ("SUGAR-LOOSE", "2"))
    seen = [world.sita]
    for _ in range(2):
        world.clock.advance(timedelta(minutes=16))
        async with world.uow() as uow:
            assert await expire_offers(uow, now=world.clock.now(), config=world.config) == [order_id]
        seen.append((await status(world, order_id))[1])
    assert seen == [world.sita, world.gita, third]
    world.clock.advance(timedelta(minutes=16))
    async with world.uow() as uow:
        await expire_offers(uow, now=world.clock.now(), config=world.config)
        assert await expire_offers(uow, now=world.clock.now(), config=world.config) == []
    async with world.pool.acquire() as conn:
        penalties = await conn.fetchval("SELECT sum(penalties) FROM vendors")
        alert = await conn.fetchval("SELECT body FROM outbound_messages WHERE recipient = '+9779800000000'")
    assert await status(world, order_id) == ("PENDING_VENDOR", None)
    assert penalties == 3 and "3 vendors did not take it" in alert


async def test_reassign_after_accept_frees_stock(world: World) -> None:
    async with world.pool.acquire() as conn:
        await conn.execute("UPDATE vendor_products SET stock = 50 WHERE sku = 'SUGAR-LOOSE'")
    order_id = await confirmed(world, world.ram, ("SUGAR-LOOSE", "5"))
    await accept(world, order_id, world.sita)
    async with world.uow() as uow:
        moved = await reassign_order(uow, order_id, now=world.clock.now(), config=world.config, actor="admin:9")
    assert moved.outcome is Reassigned.OFFERED and moved.vendor_ids == [world.gita]
    assert await stock(world, world.sita, "SUGAR-LOOSE") == D("50")


async def conn_vendor(world: World, phone: str, name: str) -> int:
    from storage.repos.users import UserRepository

    async with world.pool.acquire() as conn:
        return await UserRepository(conn).add_vendor(phone, name, lat=28.2, lon=84.0)
