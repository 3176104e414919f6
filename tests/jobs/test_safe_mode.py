"""Safe mode on a burst worker: on by itself when overloaded, off when its timer ends, queue released."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from jobs.safe_mode import watch_safe_mode
from services import UnitOfWork, safe_mode
from tests.jobs import seed
from tests.jobs.conftest import run_burst

ADMIN, SHOP, VENDOR = "+9779800000000", "+9779800000001", "+9779800000101"


async def _inbound(runtime, count: int, status: str) -> None:  # type: ignore[no-untyped-def]
    async with runtime.pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO inbound_messages (provider, provider_id, phone, status, received_at, handled_at)"
            " SELECT 'test', gen_random_uuid()::text, '+9779800000009', $2::text, $3::timestamptz,"
            " CASE WHEN $2::text = 'received' THEN NULL ELSE $3::timestamptz END"
            " FROM generate_series(1, $1::int) i", count, status, runtime.clock.now())


async def test_a_backlog_turns_it_on_once_and_admins_are_told(runtime) -> None:
    from bot.local import LocalSession

    session = LocalSession(runtime)
    async with runtime.pool.acquire() as conn:
        await seed.admin(conn, ADMIN)
    await _inbound(runtime, runtime.config.safe_mode.auto_backlog - 1, "received")
    (quiet,) = await run_burst(runtime, [watch_safe_mode], "watch_safe_mode", session=session)
    assert quiet["switched_on"] is None
    await _inbound(runtime, 1, "received")
    runs = await run_burst(runtime, [watch_safe_mode], "watch_safe_mode", "watch_safe_mode", session=session)
    switched = [r["switched_on"] for r in runs if r["switched_on"]]  # the two may run in either order
    assert len(switched) == 1 and "backlog of 500" in switched[0]
    sent = await session.flush()
    assert [(m.recipient, "Safe mode is ON" in m.body) for m in sent] == [(ADMIN, True)]
    async with UnitOfWork(runtime.pool) as uow:
        assert await safe_mode.is_safe_mode(uow, runtime.clock.now())
        assert not await safe_mode.is_safe_mode(uow, runtime.clock.now() + runtime.config.safe_mode.auto_duration)


async def test_an_error_rate_over_the_threshold_turns_it_on(runtime) -> None:
    runtime.config = dataclasses.replace(runtime.config, safe_mode=dataclasses.replace(
        runtime.config.safe_mode, min_handled=20, auto_error_rate=0.2))
    await _inbound(runtime, 16, "done")
    await _inbound(runtime, 3, "failed")
    assert (await run_burst(runtime, [watch_safe_mode], "watch_safe_mode"))[0]["switched_on"] is None, "19 < 20"
    await _inbound(runtime, 1, "failed")
    (on,) = await run_burst(runtime, [watch_safe_mode], "watch_safe_mode")
    assert "error rate 20%" in on["switched_on"]


async def test_queued_orders_go_to_vendors_in_order_when_the_timer_ends(runtime) -> None:
    from bot.local import LocalSession

    session = LocalSession(runtime)
    clock = runtime.clock
    async with runtime.pool.acquire() as conn:
        await seed.admin(conn, ADMIN)
        await seed.product(conn, "RICE", "100")
        shop = await seed.retailer(conn, SHOP, "Ram Kirana")
        vendor = await seed.vendor(conn, VENDOR, "Sita Traders", {"RICE": None})
        orders = [await seed.order(conn, shop, None, "QUEUED", clock.now(), items=[("RICE", "1", "100")], debit=True)
                  for _ in range(2)]
    async with UnitOfWork(runtime.pool) as uow:  # as an operator would, without telling anyone here
        await safe_mode.turn_on(uow, clock.now(), ADMIN, "busy day", timedelta(minutes=30))
    (during,) = await run_burst(runtime, [watch_safe_mode], "watch_safe_mode", session=session)
    assert during == {"switched_on": None, "timer_ended": False, "released": []}
    clock.advance(timedelta(minutes=31))
    (after,) = await run_burst(runtime, [watch_safe_mode], "watch_safe_mode", session=session)
    assert after == {"switched_on": None, "timer_ended": True, "released": orders}
    async with runtime.pool.acquire() as conn:
        rows = await conn.fetch("SELECT status, vendor_id FROM orders ORDER BY id")
    async with UnitOfWork(runtime.pool) as uow:
        assert not await safe_mode.is_safe_mode(uow, clock.now())
    assert [tuple(r) for r in rows] == [("PENDING_VENDOR", vendor)] * 2
    sent = {}
    for m in await session.flush():
        sent.setdefault(m.recipient, []).append(m.body)
    assert [b for b in sent[VENDOR] if "New order" in b] and len(sent[VENDOR]) == 2
    assert all("on its way to vendors" in b for b in sent[SHOP]) and len(sent[SHOP]) == 2
    assert sent[ADMIN] == ["✅ Safe mode is OFF; 2 queued order(s) released."]
    (again,) = await run_burst(runtime, [watch_safe_mode], "watch_safe_mode", session=session)
    assert again == {"switched_on": None, "timer_ended": False, "released": []}
