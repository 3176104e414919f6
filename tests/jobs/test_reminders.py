"""Reorder reminders on a burst worker: due retailers only (the predicted day, from their usual hour),
once, templates outside the 24-hour window, nothing in quiet hours, nothing once the retailer ordered."""

from __future__ import annotations

from datetime import timedelta

from bot.local import LocalSession
from jobs.reminders import send_reorder_reminders
from services.reminders import REMINDER_STATE
from tests.jobs import seed
from tests.jobs.conftest import run_burst

D = timedelta(days=1)
WEEKLY, NEW = "+9779800000001", "+9779800000002"


async def _world(runtime, last_inbound_ago: timedelta, channel: str = "twilio",  # type: ignore[no-untyped-def]
                 hour_shift: timedelta = timedelta(0)) -> tuple[int, int]:
    now = runtime.clock.now() + hour_shift
    async with runtime.pool.acquire() as conn:
        await seed.product(conn, "RICE", "100")
        weekly = await seed.retailer(conn, WEEKLY, "Ram Kirana")
        new = await seed.retailer(conn, NEW, "New Shop")
        for days_ago in (21, 14, 7):
            last = await seed.order(conn, weekly, None, "DELIVERED", now - days_ago * D, items=[("RICE", "5", "100")])
        await seed.order(conn, new, None, "DELIVERED", now - 7 * D, items=[("RICE", "1", "100")])
        await conn.execute("INSERT INTO conversations (phone, last_inbound_at, updated_at) VALUES ($1, $2, $2)",
                           WEEKLY, now - last_inbound_ago)
        await conn.execute("INSERT INTO inbound_messages (provider, provider_id, phone, body, status, received_at)"
                           " VALUES ($3, 'SMlast', $1, 'thik cha', 'done', $2)", WEEKLY, now - last_inbound_ago,
                           channel)
    return weekly, last


async def _outbox(runtime):  # type: ignore[no-untyped-def]
    async with runtime.pool.acquire() as conn:
        return [dict(r) for r in await conn.fetch("SELECT recipient, body, template FROM outbound_messages")]


async def test_a_weekly_shop_is_reminded_once_with_free_text_inside_the_window(runtime) -> None:
    weekly, last = await _world(runtime, timedelta(hours=3))
    both = await run_burst(runtime, [send_reorder_reminders], "send_reorder_reminders", "send_reorder_reminders")
    assert sorted(both) == [[], [weekly]], "two runs at once: one reminder"
    assert await run_burst(runtime, [send_reorder_reminders], "send_reorder_reminders") == [[]]
    (row,) = await _outbox(runtime)
    assert row["recipient"] == WEEKLY and row["template"] is None
    assert "Time for your usual order?" in row["body"] and "every 7 days" in row["body"] and "5 kg" in row["body"]
    async with runtime.pool.acquire() as conn:
        state = await conn.fetchrow("SELECT state, data FROM conversations WHERE phone = $1", WEEKLY)
        claimed = await conn.fetchval("SELECT order_id FROM reorder_reminders WHERE retailer_id = $1", weekly)
    assert state["state"] == REMINDER_STATE and [sku for sku, _ in state["data"]["basket"]] == ["RICE"]
    assert claimed == last


async def test_outside_the_24_hour_window_the_outbox_sends_the_template(runtime) -> None:
    weekly, _ = await _world(runtime, timedelta(days=3))
    session = LocalSession(runtime, channel="twilio")
    assert await run_burst(runtime, [send_reorder_reminders], "send_reorder_reminders", session=session) == [[weekly]]
    (sent,) = await session.flush()
    template = runtime.config.templates.messages["reorder_reminder"]
    assert sent.template is not None and sent.template["sid"] == template.languages["en"].sid
    assert sent.template["variables"] == {"1": "Ram Kirana", "2": "7", "3": "• Rice: 5 kg"}
    assert "Time for your usual order?" in sent.body


async def test_inside_the_window_the_reminder_is_free_text_on_the_provider_too(runtime) -> None:
    weekly, _ = await _world(runtime, timedelta(hours=3), channel="meta")
    session = LocalSession(runtime, channel="meta")
    assert await run_burst(runtime, [send_reorder_reminders], "send_reorder_reminders", session=session) == [[weekly]]
    (sent,) = await session.flush()
    assert sent.template is None and "Time for your usual order?" in sent.body


async def test_nothing_in_quiet_hours(runtime) -> None:
    weekly, _ = await _world(runtime, timedelta(hours=3))
    runtime.clock.advance(timedelta(hours=12))  # 22:00 in Kathmandu
    assert await run_burst(runtime, [send_reorder_reminders], "send_reorder_reminders") == [[]]
    runtime.clock.advance(timedelta(hours=10))  # 08:00 next morning, still within the reminder window
    assert await run_burst(runtime, [send_reorder_reminders], "send_reorder_reminders") == [[weekly]]


async def test_not_before_the_usual_ordering_hour(runtime) -> None:
    weekly, _ = await _world(runtime, timedelta(hours=3), hour_shift=timedelta(hours=5))  # orders at 15:00
    assert await run_burst(runtime, [send_reorder_reminders], "send_reorder_reminders") == [[]]
    runtime.clock.advance(timedelta(hours=5))
    assert await run_burst(runtime, [send_reorder_reminders], "send_reorder_reminders") == [[weekly]]


async def test_a_shop_that_already_ordered_is_not_reminded(runtime) -> None:
    weekly, _ = await _world(runtime, timedelta(hours=3))
    async with runtime.pool.acquire() as conn:
        await seed.order(conn, weekly, None, "PENDING_VENDOR", runtime.clock.now() - timedelta(hours=1),
                         items=[("RICE", "5", "100")])
    assert await run_burst(runtime, [send_reorder_reminders], "send_reorder_reminders") == [[]]
    assert await _outbox(runtime) == []
