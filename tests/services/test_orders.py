"""Confirming and cancelling orders on real PostgreSQL, including two confirmations racing for credit."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from domain.orders import OrderStatus
from services.drafts import edit_draft
from services.ordering import Confirmed, cancel_order, confirm_order
from storage.repos.ledger import LedgerRepository
from tests.services.conftest import World

D = Decimal


async def draft(world: World, retailer: int, *items: tuple[str, str]) -> int:
    async with world.uow() as uow:
        order = await edit_draft(uow, retailer, now=world.clock.now(), config=world.config,
                                 set_items=[(sku, D(q)) for sku, q in items])
        return order.id


async def confirm(world: World, order_id: int, hold: float = 0.0):  # type: ignore[no-untyped-def]
    async with world.uow() as uow:
        result = await confirm_order(uow, order_id, now=world.clock.now(), config=world.config, actor="test")
        await asyncio.sleep(hold)  # keep the transaction (and its locks) open a little
        return result


async def test_draft_is_priced_cost_plus(world: World) -> None:
    order_id = await draft(world, world.ram, ("SUGAR-LOOSE", "2"), ("COKE-500-BTL", "12"))
    async with world.pool.acquire() as conn:
        rows = await conn.fetch("SELECT sku, unit_price, line_total FROM order_items WHERE order_id = $1 ORDER BY id",
                                order_id)
        total = await conn.fetchval("SELECT total FROM orders WHERE id = $1", order_id)
    # sugar (default 8 %): 105 × 1.08 = 113.40; coke: 55 × 1.08 = 59.40, 12 ≥ 10 → 1 % off = 58.81 (floor 56.65)
    assert [(r["sku"], r["unit_price"], r["line_total"]) for r in rows] == [
        ("SUGAR-LOOSE", D("113.40"), D("226.80")), ("COKE-500-BTL", D("58.81"), D("705.72"))]
    assert total == D("932.52")


async def test_confirm_debits_offers_and_is_idempotent(world: World) -> None:
    order_id = await draft(world, world.ram, ("SUGAR-LOOSE", "2"))
    first = await confirm(world, order_id)
    second = await confirm(world, order_id)
    assert first.outcome is Confirmed.CONFIRMED and second.outcome is Confirmed.ALREADY
    async with world.pool.acquire() as conn:
        debits = await conn.fetch("SELECT kind, amount FROM credit_ledger WHERE order_id = $1", order_id)
        offer = await conn.fetchrow("SELECT vendor_id, status, expires_at - offered_at AS sla FROM order_offers")
        history = await conn.fetch("SELECT from_status, to_status, actor FROM order_status_history")
        vendor_msg = await conn.fetchval("SELECT body FROM outbound_messages WHERE recipient = '+9779800000101'")
    assert [(r["kind"], r["amount"]) for r in debits] == [("ORDER_DEBIT", D("226.80"))]
    assert offer["vendor_id"] == world.sita and offer["status"] == "OFFERED"
    assert offer["sla"] == world.config.orders.vendor_response_sla
    assert [tuple(r) for r in history] == [("DRAFT", "PENDING_VENDOR", "test")]
    assert "New order #1001 from Ram Kirana (Butwal)" in vendor_msg and "ACCEPT 1001" in vendor_msg


async def test_over_limit_says_by_how_much(world: World) -> None:
    order_id = await draft(world, world.hari, ("SUGAR-LOOSE", "200"))  # 200 × 111.13 (2 % off) > 20000
    result = await confirm(world, order_id)
    assert result.outcome is Confirmed.OVER_LIMIT
    assert result.available == D("20000.00") and result.shortfall == result.order.total - D("20000.00")
    async with world.pool.acquire() as conn:
        assert await conn.fetchval("SELECT status FROM orders WHERE id = $1", order_id) == "DRAFT"
        assert await conn.fetchval("SELECT count(*) FROM credit_ledger") == 0


async def test_two_confirmations_racing_cannot_overspend(world: World) -> None:
    """Two transactions confirm at once; each order fits alone, both together do not."""
    async with world.pool.acquire() as conn:
        await conn.execute("UPDATE retailers SET credit_limit = 1000 WHERE user_id = $1", world.ram)
    a = await draft(world, world.ram, ("SUGAR-LOOSE", "5"))   # 567.00
    b = await draft(world, world.hari, ("SUGAR-LOOSE", "1"))  # another retailer, unaffected
    async with world.pool.acquire() as conn:  # a second draft of ram's, made by hand
        c = await conn.fetchval("INSERT INTO orders (retailer_id, status, created_at, updated_at)"
                                " VALUES ($1, 'DRAFT', $2, $2) RETURNING id", world.ram, world.clock.now())
        await conn.execute("INSERT INTO order_items (order_id, sku, name, quantity, unit, unit_price, line_total)"
                           " SELECT $1, sku, name, quantity, unit, unit_price, line_total FROM order_items"
                           " WHERE order_id = $2", c, a)
        await conn.execute("UPDATE orders SET total = 567.00 WHERE id = $1", c)
    results = await asyncio.gather(confirm(world, a, hold=0.3), confirm(world, c, hold=0.3))
    assert sorted(r.outcome for r in results) == sorted([Confirmed.CONFIRMED, Confirmed.OVER_LIMIT])
    loser = next(r for r in results if r.outcome is Confirmed.OVER_LIMIT)
    assert loser.available == D("433.00") and loser.shortfall == D("134.00")
    async with world.pool.acquire() as conn:
        state = await LedgerRepository(conn).state(world.ram)
        balances = [r["balance_after"] for r in await conn.fetch(
            "SELECT balance_after FROM credit_ledger WHERE retailer_id = $1 ORDER BY id", world.ram)]
    assert state.outstanding == D("567.00") and state.available == D("433.00")
    assert balances == [D("567.00")]
    assert (await confirm(world, b)).outcome is Confirmed.CONFIRMED


async def test_cancel_releases_credit_once(world: World) -> None:
    order_id = await draft(world, world.ram, ("SUGAR-LOOSE", "2"))
    await confirm(world, order_id)
    async with world.uow() as uow:
        done = await cancel_order(uow, order_id, actor="admin:1", reason="customer asked", now=world.clock.now())
        again = await cancel_order(uow, order_id, actor="admin:1", reason="again", now=world.clock.now())
    assert done.ok and done.status is OrderStatus.CANCELLED and not again.ok
    async with world.pool.acquire() as conn:
        assert await LedgerRepository(conn).outstanding(world.ram) == D("0.00")
        kinds = [r["kind"] for r in await conn.fetch("SELECT kind FROM credit_ledger ORDER BY id")]
        told = await conn.fetch("SELECT recipient FROM outbound_messages WHERE body LIKE '%cancelled%'")
        offer = await conn.fetchval("SELECT status FROM order_offers")
    assert kinds == ["ORDER_DEBIT", "ORDER_RELEASE"]
    assert {r["recipient"] for r in told} == {"+9779800000001", "+9779800000101"}
    assert offer == "EXPIRED"


async def test_no_vendor_stock_refuses_confirmation(world: World) -> None:
    async with world.pool.acquire() as conn:
        await conn.execute("UPDATE vendor_products SET stock = 1 WHERE sku = 'SUGAR-LOOSE'")
    order_id = await draft(world, world.ram, ("SUGAR-LOOSE", "2"), ("COKE-500-BTL", "1"))
    result = await confirm(world, order_id)
    assert result.outcome is Confirmed.NO_STOCK and result.missing == ["Sugar (loose)"]


async def test_split_when_no_single_vendor_has_everything(world: World) -> None:
    async with world.pool.acquire() as conn:
        await conn.execute("UPDATE vendor_products SET stock = 0 WHERE vendor_id = $1 AND sku = 'COKE-500-BTL'",
                           world.sita)
        await conn.execute("UPDATE vendor_products SET stock = 0 WHERE vendor_id = $1 AND sku = 'SUGAR-LOOSE'",
                           world.gita)
    order_id = await draft(world, world.ram, ("SUGAR-LOOSE", "2"), ("COKE-500-BTL", "6"))
    result = await confirm(world, order_id)
    assert result.outcome is Confirmed.CONFIRMED and result.order_ids == [order_id, order_id + 1]
    async with world.pool.acquire() as conn:
        rows = await conn.fetch("SELECT o.id, o.parent_id, o.vendor_id, o.status, o.total,"
                                " (SELECT sum(amount) FROM credit_ledger l WHERE l.order_id = o.id) AS held"
                                " FROM orders o ORDER BY id")
    assert [(r["parent_id"], r["vendor_id"], r["status"]) for r in rows] == [
        (None, world.sita, "PENDING_VENDOR"), (order_id, world.gita, "PENDING_VENDOR")]
    assert all(r["held"] == r["total"] for r in rows)
