"""Self-healing on a burst worker: each strategy, its audit row, admins told only of failures."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from jobs.self_healing import self_heal
from storage.repos.healing import HealingRepository
from tests.jobs import seed
from tests.jobs.conftest import run_burst

ADMIN = "+9779800000000"
SHOP, FIRST, SECOND = "+9779800000001", "+9779800000101", "+9779800000102"


async def _world(runtime):  # type: ignore[no-untyped-def]
    async with runtime.pool.acquire() as conn:
        await seed.product(conn, "RICE", "100")
        await seed.admin(conn, ADMIN)
        shop = await seed.retailer(conn, SHOP, "Ram Kirana")
        first = await seed.vendor(conn, FIRST, "First Traders", {"RICE": None})
        second = await seed.vendor(conn, SECOND, "Second Traders", {"RICE": None})
    return shop, first, second


async def _attempts(runtime) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    async with runtime.pool.acquire() as conn:
        rows = await conn.fetch("SELECT problem, strategy, outcome FROM healing_attempts ORDER BY id")
    return [tuple(r) for r in rows]


async def _sent(runtime, session) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    out: dict[str, list[str]] = {}
    for m in await session.flush():
        out.setdefault(m.recipient, []).append(m.body)
    return out


async def test_accepted_not_dispatched_is_nudged_then_reassigned(runtime) -> None:
    from bot.local import LocalSession

    shop, first, second = await _world(runtime)
    session = LocalSession(runtime)
    clock, config = runtime.clock, runtime.config
    async with runtime.pool.acquire() as conn:
        order_id = await seed.order(conn, shop, first, "ACCEPTED", clock.now(), items=[("RICE", "5", "100")],
                                    accepted_at=clock.now(), debit=True)
        await seed.offer(conn, order_id, first, "ACCEPTED", clock.now(), clock.now())

    assert await run_burst(runtime, [self_heal], "self_heal", session=session) == [{"settled": 0, "attempted": 0}]
    clock.advance(config.orders.dispatch_limit)
    assert (await run_burst(runtime, [self_heal], "self_heal", session=session))[0]["attempted"] == 1
    sent = await _sent(runtime, session)
    assert "not dispatched yet" in sent[FIRST][0] and ADMIN not in sent
    assert await _attempts(runtime) == [("NOT_DISPATCHED", "RETRY", "PENDING")]

    again = await run_burst(runtime, [self_heal], "self_heal", "self_heal", session=session)
    assert again == [{"settled": 0, "attempted": 0}] * 2, "idempotent within the cooldown"

    clock.advance(config.self_healing.cooldown)
    await run_burst(runtime, [self_heal], "self_heal", session=session)
    assert await _attempts(runtime) == [("NOT_DISPATCHED", "RETRY", "FAILED"),
                                        ("NOT_DISPATCHED", "REASSIGN", "RECOVERED")]
    sent = await _sent(runtime, session)
    assert ADMIN not in sent, "a retry that did not work is followed by the next rung, not by an alert"
    async with runtime.pool.acquire() as conn:
        order = await conn.fetchrow("SELECT status, vendor_id FROM orders WHERE id = $1", order_id)
        rate = await HealingRepository(conn).recovery_rate()
    assert (order["status"], order["vendor_id"]) == ("PENDING_VENDOR", second)
    assert SECOND in sent and SHOP in sent
    assert (rate.attempted, rate.recovered, rate.rate) == (2, 1, 0.5)


async def test_silent_vendors_get_the_order_reassigned_then_cancelled_with_credit_released(runtime) -> None:
    from bot.local import LocalSession

    shop, first, second = await _world(runtime)
    session = LocalSession(runtime)
    clock, config = runtime.clock, runtime.config
    async with runtime.pool.acquire() as conn:
        third = await seed.vendor(conn, "+9779800000103", "Third Traders", {"RICE": None})
        order_id = await seed.order(conn, shop, first, "PENDING_VENDOR", clock.now(), items=[("RICE", "2", "100")],
                                    debit=True)
        await seed.offer(conn, order_id, first, "OFFERED", clock.now(), expires_at=clock.now())
    holders = []
    for _ in range(3):
        clock.advance(config.orders.vendor_response_sla * 2 + config.self_healing.cooldown)
        await run_burst(runtime, [self_heal], "self_heal", session=session)
        async with runtime.pool.acquire() as conn:
            holders.append(await conn.fetchval("SELECT vendor_id FROM orders WHERE id = $1", order_id))
    assert await _attempts(runtime) == [("VENDOR_SILENT", "REASSIGN", "RECOVERED"),
                                        ("VENDOR_SILENT", "REASSIGN", "RECOVERED"),
                                        ("VENDOR_SILENT", "CANCEL", "RECOVERED")]
    assert holders[:2] == [second, third]
    async with runtime.pool.acquire() as conn:
        status = await conn.fetchval("SELECT status FROM orders WHERE id = $1", order_id)
        owed = await conn.fetchval("SELECT sum(amount) FROM credit_ledger WHERE retailer_id = $1", shop)
    assert status == "CANCELLED" and owed == Decimal("0.00"), "credit given back"
    sent = await _sent(runtime, session)
    assert any("cancelled: no vendor answered in time" in b for b in sent[SHOP]), sent[SHOP]
    assert sent[ADMIN] == ["Order #1001 from Ram Kirana is cancelled: no vendor answered in time."
                           " Nothing left to do on it."], "the desk hears once that the order is closed"


async def test_dead_message_is_retried_once_then_escalated_once(runtime) -> None:
    from bot.local import LocalSession

    await _world(runtime)
    session = LocalSession(runtime)
    clock = runtime.clock
    async with runtime.pool.acquire() as conn:
        row_id = await conn.fetchval(
            "INSERT INTO outbound_messages (recipient, body, status, tries, next_attempt_at, created_at, last_error)"
            " VALUES ('+9779800000001', 'lost', 'dead', 5, $1, $1, 'twilio 500') RETURNING id", clock.now())
    await run_burst(runtime, [self_heal], "self_heal", session=session)
    assert await _attempts(runtime) == [("MESSAGE_FAILED", "RETRY", "PENDING")]
    assert (await _sent(runtime, session)) == {SHOP: ["lost"]}, "the retry really sends it"
    clock.advance(runtime.config.self_healing.cooldown)
    await run_burst(runtime, [self_heal], "self_heal", session=session)
    assert await _attempts(runtime) == [("MESSAGE_FAILED", "RETRY", "RECOVERED")]

    async with runtime.pool.acquire() as conn:  # it dies again later: retried already, so escalated
        await conn.execute("UPDATE outbound_messages SET status = 'dead' WHERE id = $1", row_id)
    for _ in range(3):
        clock.advance(runtime.config.self_healing.cooldown)
        await run_burst(runtime, [self_heal], "self_heal", session=session)
    assert await _attempts(runtime) == [("MESSAGE_FAILED", "RETRY", "RECOVERED"),
                                        ("MESSAGE_FAILED", "ESCALATE", "ESCALATED")]
    assert len((await _sent(runtime, session))[ADMIN]) == 1


async def test_old_payment_claim_is_escalated_once(runtime) -> None:
    from bot.local import LocalSession

    shop, _, _ = await _world(runtime)
    session = LocalSession(runtime)
    async with runtime.pool.acquire() as conn:
        await conn.execute("INSERT INTO payments (retailer_id, amount, method, claimed_at)"
                           " VALUES ($1, 500, 'esewa', $2)", shop, runtime.clock.now())
    runtime.clock.advance(runtime.config.orders.payment_pending_limit + timedelta(minutes=1))
    await run_burst(runtime, [self_heal], "self_heal", "self_heal", session=session)
    runtime.clock.advance(timedelta(hours=1))
    await run_burst(runtime, [self_heal], "self_heal", session=session)
    assert await _attempts(runtime) == [("PAYMENT_PENDING", "ESCALATE", "ESCALATED")]
    sent = await _sent(runtime, session)
    assert len(sent[ADMIN]) == 1 and "payment claim" in sent[ADMIN][0]
