"""Fairness (issue 11): a number sending faster than anyone types is asked once to slow down, its extra
messages are kept but not handled, and nobody else notices."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

from bot.channels.base import InboundMessage
from bot.intake import SENDER_LIMIT, SENDER_WINDOW
from bot.local import LocalSession
from storage.repos.users import UserRepository

RAM, HARI = "+9779800000001", "+9779800000003"


async def test_a_flood_gets_one_slow_down_and_others_are_answered(runtime) -> None:
    async with runtime.pool.acquire() as conn:
        await UserRepository(conn).add_retailer(RAM, "Ram Kirana", Decimal(50000))
        await UserRepository(conn).add_retailer(HARI, "Hari Pasal", Decimal(50000))
    session = LocalSession(runtime)
    flood = SENDER_LIMIT + 10
    for _ in range(flood):
        await session.say(RAM, "namaste")
    hari = await session.say(HARI, "namaste")
    async with runtime.pool.acquire() as conn:
        statuses = dict(await conn.fetch(
            "SELECT status, count(*) FROM inbound_messages WHERE phone = $1 GROUP BY status", RAM))
        to_ram = [r["body"] for r in await conn.fetch(
            "SELECT body FROM outbound_messages WHERE recipient = $1 ORDER BY id", RAM)]
    assert statuses == {"done": SENDER_LIMIT, "limited": 10}
    assert sum("slow down" in body.lower() for body in to_ram) == 1
    assert len(to_ram) == SENDER_LIMIT + 1
    assert [m.recipient for m in hari] == [HARI]
    runtime.clock.advance(SENDER_WINDOW + timedelta(seconds=1))
    assert [m.recipient for m in await session.say(RAM, "namaste")] == [RAM], "answered again a minute later"


async def test_one_task_per_sender_however_many_messages_arrive(runtime) -> None:
    async with runtime.pool.acquire() as conn:
        await UserRepository(conn).add_retailer(RAM, "Ram Kirana", Decimal(50000))
    intake = runtime.intake
    for n in range(20):
        await intake.receive(InboundMessage(provider="test", provider_id=f"m{n}", phone=RAM, text="namaste"))
        intake.schedule(RAM)
    assert len(intake._tasks) == 1
    await intake.drain()
    await intake.receive(InboundMessage(provider="test", provider_id="late", phone=RAM, text="namaste"))
    intake.schedule(RAM)
    await asyncio.wait_for(intake.drain(), 30)
    async with runtime.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM inbound_messages WHERE status = 'done'") == 21
