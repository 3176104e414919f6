"""Payment claims on real PostgreSQL: racing confirmations, vendor rights, rejection, partial amounts."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from domain.credit import order_debit
from services.payments import Decided, Decision, decide_claim, record_claim
from storage.repos.ledger import LedgerRepository
from tests.services.conftest import World

D = Decimal


async def claim(world: World, amount: str, method: str = "esewa") -> int:
    async with world.uow() as uow:
        return await record_claim(uow, world.ram, D(amount), method, world.clock.now())


async def decide(world: World, claim_id: int, hold: float = 0.0, **kwargs: object) -> Decision:
    kwargs = {"confirm": True, "by": "admin:1", **kwargs}
    async with world.uow() as uow:
        decision = await decide_claim(uow, claim_id, now=world.clock.now(), **kwargs)  # type: ignore[arg-type]
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


async def delivered(world: World, vendor_id: int, total: str, status: str = "DELIVERED") -> int:
    """An order of Ram's from `vendor_id` in `status`, with its ORDER_DEBIT on the ledger."""
    async with world.pool.acquire() as conn, conn.transaction():
        order_id = await conn.fetchval(
            "INSERT INTO orders (retailer_id, vendor_id, status, total, created_at, updated_at)"
            " VALUES ($1, $2, $3, $4, $5, $5) RETURNING id", world.ram, vendor_id, status, D(total),
            world.clock.now())
        await LedgerRepository(conn).lock_retailer(world.ram)
        await LedgerRepository(conn).append(order_debit(world.ram, order_id, D(total), world.clock.now()))
    return order_id


async def outbox_to(world: World, phone: str) -> list[str]:
    async with world.pool.acquire() as conn:
        return [r["body"] for r in await conn.fetch(
            "SELECT body FROM outbound_messages WHERE recipient = $1 ORDER BY id", phone)]


async def outstanding(world: World) -> Decimal:
    async with world.pool.acquire() as conn:
        return await LedgerRepository(conn).outstanding(world.ram)


def by_vendor(vendor_id: int) -> dict[str, object]:
    return {"by": f"vendor:{vendor_id}", "vendor_id": vendor_id}


async def test_a_vendor_not_owed_gets_the_answer_for_no_such_claim(world: World) -> None:
    claim_id = await claim(world, "200", "cash")
    assert (await decide(world, claim_id, **by_vendor(world.sita))).outcome is Decided.NOT_FOUND
    await delivered(world, world.sita, "200")
    await delivered(world, world.gita, "300", status="ACCEPTED")  # not delivered: nothing owed yet
    assert (await decide(world, claim_id, **by_vendor(world.gita))).outcome is Decided.NOT_FOUND
    assert (await decide(world, 999, **by_vendor(world.gita))).outcome is Decided.NOT_FOUND
    assert await outstanding(world) == D("500.00")
    assert (await decide(world, claim_id, **by_vendor(world.sita))).outcome is Decided.CONFIRMED
    assert (await decide(world, 999)).outcome is Decided.NOT_FOUND


async def test_a_vendor_confirms_at_most_what_it_is_owed_and_the_rest_waits_for_an_admin(world: World) -> None:
    await delivered(world, world.sita, "200")
    claim_id = await claim(world, "500", "cash")
    decision = await decide(world, claim_id, **by_vendor(world.sita))
    assert (decision.outcome, decision.credited, decision.held) == (Decided.HELD, D("200.00"), D("300.00"))
    assert await outstanding(world) == D("0.00")
    (held,) = [b for b in await outbox_to(world, "+9779800000000") if "is held" in b]
    assert "Sita Traders confirmed Rs 200.00" in held and "Rs 300.00 more is held" in held
    assert any("our team checks the other Rs 300.00" in b for b in await outbox_to(world, "+9779800000001"))
    assert (await decide(world, claim_id, **by_vendor(world.sita))).outcome is Decided.ALREADY
    final = await decide(world, claim_id)  # the admin confirms the rest
    assert (final.outcome, final.credited, final.outstanding) == (Decided.CONFIRMED, D("300.00"), D("-300.00"))
    async with world.pool.acquire() as conn:
        row = await conn.fetchrow("SELECT status, confirmed_amount, vendor_id, vendor_amount FROM payments"
                                  " WHERE id = $1", claim_id)
    assert tuple(row) == ("CONFIRMED", D("500.00"), world.sita, D("200.00"))


async def test_a_vendor_cannot_confirm_past_its_debt_with_a_second_claim(world: World) -> None:
    await delivered(world, world.sita, "200")
    first, second = await claim(world, "200", "cash"), await claim(world, "200", "cash")
    assert (await decide(world, first, **by_vendor(world.sita))).outcome is Decided.CONFIRMED
    assert (await decide(world, second, **by_vendor(world.sita))).outcome is Decided.NOT_FOUND
    assert await outstanding(world) == D("0.00")


async def test_a_vendor_never_takes_the_dues_below_zero(world: World) -> None:
    await delivered(world, world.sita, "200")
    assert (await decide(world, await claim(world, "150"))).outcome is Decided.CONFIRMED  # by an admin
    decision = await decide(world, await claim(world, "200", "cash"), **by_vendor(world.sita))
    assert (decision.outcome, decision.credited, decision.held) == (Decided.HELD, D("50.00"), D("150.00"))
    assert await outstanding(world) == D("0.00")


async def test_racing_vendor_confirmations_credit_no_more_than_is_owed(world: World) -> None:
    await delivered(world, world.sita, "300")
    claims = [await claim(world, "200", "cash") for _ in range(4)]
    decisions = await asyncio.gather(*(decide(world, c, hold=0.05, **by_vendor(world.sita)) for c in claims))
    assert sum((d.credited or D(0)) for d in decisions) == D("300.00")
    assert await outstanding(world) == D("0.00")
