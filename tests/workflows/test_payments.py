"""Payment claims on real PostgreSQL: racing confirmations, vendor rights, rejection, partial amounts."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from storage.repos.ledger import LedgerRepository
from storage.workflows.payments import Decided, Decision, decide_claim, record_claim
from tests.workflows.conftest import World

D = Decimal


async def claim(world: World, amount: str, method: str = "esewa") -> int:
    async with world.pool.acquire() as conn, conn.transaction():
        return await record_claim(conn, world.ram, D(amount), method, world.notifier(conn), world.clock.now())


async def decide(world: World, claim_id: int, hold: float = 0.0, **kwargs: object) -> Decision:
    kwargs = {"confirm": True, "by": "admin:1", **kwargs}
    async with world.pool.acquire() as conn, conn.transaction():
        decision = await decide_claim(conn, claim_id, notifier=world.notifier(conn), now=world.clock.now(),
                                      **kwargs)  # type: ignore[arg-type]
        await asyncio.sleep(hold)
        return decision


async def ledger(world: World) -> list[tuple[str, Decimal, Decimal]]:
    async with world.pool.acquire() as conn:
        rows = await conn.fetch("SELECT kind, amount, balance_after FROM credit_ledger WHERE retailer_id = $1"
                                " ORDER BY id", world.ram)
    return [(r["kind"], r["amount"], r["balance_after"]) for r in rows]


async def test_two_confirmations_racing_credit_once(world: World) -> None:
    claim_id = await claim(world, "500")
    first, second = await asyncio.gather(decide(world, claim_id, hold=0.2), decide(world, claim_id))
    assert sorted([first.outcome, second.outcome]) == [Decided.ALREADY, Decided.CONFIRMED]
    assert await ledger(world) == [("PAYMENT_CREDIT", D("-500.00"), D("-500.00"))]


async def test_confirm_for_the_amount_received(world: World) -> None:
    claim_id = await claim(world, "500")
    decision = await decide(world, claim_id, received=D("450"))
    assert (decision.outcome, decision.credited, decision.outstanding) == (Decided.CONFIRMED, D("450.00"),
                                                                           D("-450.00"))
    async with world.pool.acquire() as conn:
        row = await conn.fetchrow("SELECT status, amount, confirmed_amount FROM payments WHERE id = $1", claim_id)
        credit = await LedgerRepository(conn).state(world.ram)
    assert tuple(row) == ("CONFIRMED", D("500.00"), D("450.00"))
    assert credit.available == D("50450.00")


async def test_reject_writes_nothing_to_the_ledger(world: World) -> None:
    claim_id = await claim(world, "300", "khalti")
    decision = await decide(world, claim_id, confirm=False, reason="not received")
    assert decision.outcome is Decided.REJECTED and await ledger(world) == []
    assert (await decide(world, claim_id)).outcome is Decided.ALREADY


async def test_only_a_vendor_that_served_the_retailer_may_confirm(world: World) -> None:
    claim_id = await claim(world, "200", "cash")
    assert (await decide(world, claim_id, by="vendor", vendor_id=world.sita)).outcome is Decided.NOT_ALLOWED
    async with world.pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO orders (retailer_id, vendor_id, status, total, created_at, updated_at)"
            " VALUES ($1, $2, 'DELIVERED', 200, $3, $3)", world.ram, world.sita, world.clock.now())
    assert (await decide(world, claim_id, by="vendor", vendor_id=world.gita)).outcome is Decided.NOT_ALLOWED
    assert (await decide(world, claim_id, by="vendor", vendor_id=world.sita)).outcome is Decided.CONFIRMED
    assert (await decide(world, 999)).outcome is Decided.NOT_FOUND
