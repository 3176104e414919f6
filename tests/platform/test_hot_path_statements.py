"""The message hot path in few statements: webhooks stored together, a turn's start read at once, and
no guarantee lost on the way (dedupe, arrival order, the sender limit's counts)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.base import InboundMessage
from bot.intake import SENDER_WINDOW
from domain.credit import EntryKind, LedgerEntry
from domain.interactive import buttons
from storage.repos.conversations import ConversationRepository
from storage.repos.inbox import InboxRepository
from storage.repos.ledger import CreditState
from storage.repos.outbox import OutboxRepository
from storage.repos.users import UserRepository
from storage.uow import UnitOfWork

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


async def test_the_pending_message_comes_with_the_same_turn_start_as_a_read_of_its_own(runtime) -> None:
    async with runtime.pool.acquire() as conn:
        repo, convos = InboxRepository(conn), ConversationRepository(conn)
        await runtime.intake.receive(inbound(1, HARI))
        record = await repo.next_pending(HARI, SENDER_WINDOW, with_start=True)
        assert record is not None and record.start == await convos.turn_start(HARI)
        assert record.start.user is None and record.start.convo.phone == HARI
        await UserRepository(conn).add_retailer(HARI, "Hari Pasal", Decimal(50000))
        convo = await convos.load(HARI)
        convo.set("order.choose", said={"SUGAR-LOOSE": ["2 kg chini", 2.0]})
        convo.written_language = "hi"
        await convos.save(convo, runtime.clock.now())
        shown = buttons(("say:1", "One"), ("say:2", "Two"))
        await OutboxRepository(conn).add(HARI, "Which?", at=runtime.clock.now(), interactive=shown)
        record = await repo.next_pending(HARI, SENDER_WINDOW, with_start=True)
        assert record is not None and record.burst == (1, 0)
        assert record.start == await convos.turn_start(HARI)
        assert record.start.user.name == "Hari Pasal" and record.start.convo.state == "order.choose"
        assert record.start.last_interactive == shown
        assert (await repo.next_pending(HARI, SENDER_WINDOW)).start is None, "read only when asked for"


async def test_a_savepoint_undoes_only_what_failed_inside_it_and_the_rest_commits(runtime) -> None:
    async def state(phone: str) -> str:
        async with runtime.pool.acquire() as conn:
            return (await ConversationRepository(conn).load(phone)).state

    async with UnitOfWork(runtime.pool) as uow:
        before = await uow.conversations.load(RAM)
        before.set("before")
        await uow.conversations.save(before, runtime.clock.now())
        with pytest.raises(RuntimeError):
            async with uow.savepoint():
                inside = await uow.conversations.load(RAM)
                inside.set("inside")
                await uow.conversations.save(inside, runtime.clock.now())
                raise RuntimeError("refused")
        assert (await uow.conversations.load(RAM)).state == "before"
        async with uow.savepoint():
            kept = await uow.conversations.load(HARI)
            kept.set("kept")
            await uow.conversations.save(kept, runtime.clock.now())
            with pytest.raises(RuntimeError):
                async with uow.savepoint():  # nested: its failure leaves the outer one's work
                    await uow.conversations.save(before, runtime.clock.now())
                    await uow.conn.execute("UPDATE conversations SET state = 'nested' WHERE phone = $1", HARI)
                    raise RuntimeError("refused")
        after = await uow.conversations.load(RAM)
        after.set("after")
        await uow.conversations.save(after, runtime.clock.now())
    assert (await state(RAM), await state(HARI)) == ("after", "kept")


async def test_credit_for_display_is_read_in_one_statement_as_the_locked_read_finds_it(runtime) -> None:
    async with UnitOfWork(runtime.pool) as uow:
        assert await uow.ledger.state(424242) == CreditState(Decimal(0), Decimal(0)), "no such retailer"
        ram = await uow.users.add_retailer(RAM, "Ram Kirana", Decimal(50000))
        hari = await uow.users.add_retailer(HARI, "Hari Pasal", Decimal(900))
        for retailer, amount in [(ram, "1200.50"), (hari, "300.00"), (ram, "99.25")]:
            await uow.ledger.append(LedgerEntry(retailer, EntryKind.ADJUSTMENT, Decimal(amount), runtime.clock.now()))
        shown = await uow.ledger.state(ram)
        assert shown == CreditState(Decimal(50000), Decimal("1299.75")) == await uow.ledger.lock_retailer(ram)
        assert shown.available == Decimal("48700.25")
        assert await uow.ledger.state(hari) == CreditState(Decimal(900), Decimal(300))


async def test_the_conversation_a_turn_leaves_is_saved_by_the_finish_or_else_at_commit(runtime) -> None:
    async def state(phone: str) -> str:
        async with runtime.pool.acquire() as conn:
            return (await ConversationRepository(conn).load(phone)).state

    await runtime.intake.receive(inbound(1))
    await runtime.intake.receive(inbound(2))
    now = runtime.clock.now()
    async with UnitOfWork(runtime.pool) as uow:
        record = await uow.inbox.next_pending(RAM)
        convo = await uow.conversations.load(RAM)
        convo.set("with_the_finish")
        uow.save_conversation(convo, now)
        assert await uow.finish(record, now) is True, "the second message still waits"
        assert (await uow.conversations.load(RAM)).state == "with_the_finish"
        other = await uow.conversations.load(HARI)
        other.set("at_commit")
        uow.save_conversation(other, now)
        assert (await uow.conversations.load(HARI)).state == "idle", "not written before the commit"
    assert (await state(RAM), await state(HARI)) == ("with_the_finish", "at_commit")
    with pytest.raises(RuntimeError):
        async with UnitOfWork(runtime.pool) as uow:
            other.set("rolled_back")
            uow.save_conversation(other, now)
            raise RuntimeError("refused")
    assert await state(HARI) == "at_commit"


async def test_a_unit_of_work_opened_with_the_conversation_lock_holds_it_until_it_ends(runtime) -> None:
    from storage.repos.inbox import conversation_lock

    odd = "+977980'\\x"  # quoted as a literal: the same key as the parameter of lock_conversation
    for phone in (RAM, odd):
        async with UnitOfWork(runtime.pool).opening_with(conversation_lock(phone)), runtime.pool.acquire() as other:
            assert await other.fetchval("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))",
                                        "convo:" + phone) is False, "held by the unit of work"
        async with runtime.pool.acquire() as other, other.transaction():
            assert await other.fetchval("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))",
                                        "convo:" + phone) is True, "released at its commit"
    with pytest.raises(RuntimeError):
        async with UnitOfWork(runtime.pool).opening_with(conversation_lock(RAM)) as uow:
            await uow.users.add_retailer(HARI, "Hari Pasal", Decimal(50000))
            raise RuntimeError("refused")
    async with UnitOfWork(runtime.pool) as uow:
        assert await uow.users.by_phone(HARI) is None, "rolled back"
