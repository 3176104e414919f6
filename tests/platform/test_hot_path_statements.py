"""The message hot path in few statements: webhooks stored together, a turn's start read at once, and
no guarantee lost on the way (dedupe, arrival order, the sender limit's counts)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.base import InboundMessage
from bot.intake import SENDER_WINDOW
from domain.interactive import buttons
from storage.repos.conversations import ConversationRepository
from storage.repos.inbox import InboxRepository
from storage.repos.outbox import OutboxRepository
from storage.repos.users import UserRepository

RAM, HARI = "+9779800000001", "+9779800000003"


def inbound(n: int, phone: str = RAM, text: str = "namaste") -> InboundMessage:
    return InboundMessage(provider="twilio", provider_id=f"SM{n:032d}", phone=phone, text=text)


async def test_messages_arriving_together_are_stored_by_one_statement_in_arrival_order(runtime) -> None:
    ids = await asyncio.gather(*(runtime.intake.receive(inbound(n, RAM if n % 2 else HARI)) for n in range(20)),
                               runtime.intake.receive(inbound(3)))
    async with runtime.pool.acquire() as conn:
        rows = await conn.fetch("SELECT id, provider_id, xmin::text AS tx FROM inbound_messages ORDER BY id")
    assert ids[-1] is None, "the redelivered MessageSid is not stored again"
    assert [r["provider_id"] for r in rows] == [f"SM{n:032d}" for n in range(20)]
    assert ids[:20] == [r["id"] for r in rows]
    assert len({r["tx"] for r in rows}) <= 2, "stored by one transaction (the first may go alone)"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, 6), min_size=1, max_size=15))
async def test_a_batch_stores_each_provider_id_once_whatever_repeats_it_holds(runtime, picks: list[int]) -> None:
    async with runtime.pool.acquire() as conn:
        await conn.execute("TRUNCATE inbound_messages, inbound_message_ids")
        before = await InboxRepository(conn).add(provider="twilio", provider_id="SM-known", phone=RAM, body="",
                                                 media=[], profile_name=None, payload={},
                                                 received_at=runtime.clock.now())
        ids = await asyncio.gather(*(runtime.intake.receive(
            InboundMessage(provider="twilio", provider_id=f"SM-{p}" if p else "SM-known", phone=RAM, text=str(i)))
            for i, p in enumerate(picks)))
        stored = await conn.fetch("SELECT id, provider_id, body FROM inbound_messages WHERE id <> $1 ORDER BY id",
                                  before)
    first: dict[int, int] = {}
    for i, p in enumerate(picks):
        first.setdefault(p, i)
    expected = [i for i, p in enumerate(picks) if p and first[p] == i]
    assert [int(r["body"]) for r in stored] == expected, "first arrival of each new id, in arrival order"
    assert [i for i, got in enumerate(ids) if got is not None] == expected
    assert sorted(x for x in ids if x is not None) == [r["id"] for r in stored]


async def test_the_pending_message_comes_with_its_burst_counts(runtime) -> None:
    for n in range(4):
        await runtime.intake.receive(inbound(n))
    async with runtime.pool.acquire() as conn:
        repo = InboxRepository(conn)
        await conn.execute("UPDATE inbound_messages SET status = 'limited' WHERE provider_id = $1", f"SM{0:032d}")
        record = await repo.next_pending(RAM, SENDER_WINDOW)
        assert record is not None and record.provider_id == f"SM{1:032d}"
        assert record.burst == await repo.burst(record, record.received_at - SENDER_WINDOW) == (2, 1)
        runtime.clock.advance(SENDER_WINDOW + timedelta(seconds=5))
        await runtime.intake.receive(inbound(9))
        await conn.execute("UPDATE inbound_messages SET status = 'done' WHERE provider_id <> $1", f"SM{9:032d}")
        assert (await repo.next_pending(RAM, SENDER_WINDOW)).burst == (1, 0), "older messages fall out of the window"
        assert await repo.next_pending(HARI, SENDER_WINDOW) is None


async def test_the_turn_starts_from_user_conversation_and_last_buttons_in_one_read(runtime) -> None:
    async with runtime.pool.acquire() as conn:
        users, convos = UserRepository(conn), ConversationRepository(conn)
        assert (await convos.turn_start(RAM)).user is None
        await users.add_retailer(RAM, "Ram Kirana", Decimal(50000))
        convo = await convos.load(RAM)
        convo.set("awaiting_confirmation", order_id=1001)
        convo.language = "ne"
        await convos.save(convo, runtime.clock.now())
        shown = buttons(("say:yes", "Confirm"), ("say:cancel", "Cancel"))
        await OutboxRepository(conn).add(RAM, "Confirm?", at=runtime.clock.now(), interactive=shown)
        await OutboxRepository(conn).add(HARI, "other", at=runtime.clock.now())
        start = await convos.turn_start(RAM)
        assert start.user == await users.by_phone(RAM)
        assert start.convo == await convos.load(RAM)
        assert start.last_interactive == await OutboxRepository(conn).last_interactive(RAM) == shown
        other = await convos.turn_start(HARI)
        assert other.user is None and other.convo.phone == HARI and other.last_interactive is None
