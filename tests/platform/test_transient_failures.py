"""Faults while a message is handled: the moment's (a lost race, a dropped connection) are retried at once,
a real one by the inbox sweep a bounded number of times, and neither is blamed on the sender.

Each fault is real PostgreSQL's: a deadlock between the message's transaction and another, a
serialization failure between two SERIALIZABLE transactions, the handling backend terminated with
pg_terminate_backend. The dispatcher is wrapped so the fault strikes while the message is handled.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import asyncpg
import pytest

from bot.intake import MAX_ATTEMPTS
from bot.local import LocalSession
from jobs.safe_mode import watch_safe_mode
from storage.repos.users import UserRepository
from storage.transient import is_transient

RAM, ADMIN = "+9779800000001", "+9779800000900"


@pytest.fixture
async def session(runtime):  # type: ignore[no-untyped-def]
    async with runtime.pool.acquire() as conn:
        users = UserRepository(conn)
        await users.add_retailer(RAM, "Ram Kirana", 50000)
        await users.upsert(ADMIN, "Ops", "admin")
        await conn.execute("CREATE TABLE IF NOT EXISTS fault_rows (id int PRIMARY KEY, n int)")
        await conn.execute("TRUNCATE fault_rows; INSERT INTO fault_rows VALUES (1, 0), (2, 0)")
    return LocalSession(runtime)


def strike(runtime, fault: Callable[[asyncpg.Connection], Awaitable[None]], times: int = 1) -> list[int]:  # type: ignore[no-untyped-def]
    """Run `fault` on the message's connection in each message's first `times` handlings; returns the
    ids handled, one entry per handling."""
    dispatcher = runtime.intake.dispatcher
    handle, calls = dispatcher.handle, []

    async def faulty(uow: Any, record: Any) -> str:
        calls.append(record.id)
        if calls.count(record.id) <= times:
            await fault(uow.conn)
        return await handle(uow, record)
    dispatcher.handle = faulty
    return calls


_cleanups: set[asyncio.Task[None]] = set()


async def _side() -> asyncpg.Connection:
    return await asyncpg.connect(os.environ["DATABASE_URL"])


async def deadlock(conn: asyncpg.Connection) -> None:
    """The message's transaction and another lock two rows in opposite order; PostgreSQL aborts ours."""
    other = await _side()
    try:
        await conn.execute("SET LOCAL deadlock_timeout = '20ms'")
        await other.execute("SET deadlock_timeout = '10s'")  # so the message's side is the one that detects it
        await conn.execute("UPDATE fault_rows SET n = n + 1 WHERE id = 1")
        tx = other.transaction()
        await tx.start()
        await other.execute("UPDATE fault_rows SET n = n + 1 WHERE id = 2")
        blocked = asyncio.create_task(other.execute("UPDATE fault_rows SET n = n + 1 WHERE id = 1"))
        await asyncio.sleep(0.1)
        await conn.execute("UPDATE fault_rows SET n = n + 1 WHERE id = 2")
    finally:
        async def release() -> None:  # the other side goes on once the message's transaction rolls back
            await blocked
            await tx.rollback()
            await other.close()
        task = asyncio.create_task(release())
        _cleanups.add(task)
        task.add_done_callback(_cleanups.discard)


async def serialization_failure(conn: asyncpg.Connection) -> None:
    """Two SERIALIZABLE transactions read and write each other's rows; the second to commit fails (40001)."""
    first, second = await _side(), await _side()
    try:
        t1, t2 = first.transaction(isolation="serializable"), second.transaction(isolation="serializable")
        await t1.start()
        await t2.start()
        await first.fetchval("SELECT sum(n) FROM fault_rows")
        await second.fetchval("SELECT sum(n) FROM fault_rows")
        await first.execute("UPDATE fault_rows SET n = n + 1 WHERE id = 1")
        await second.execute("UPDATE fault_rows SET n = n + 1 WHERE id = 2")
        await t1.commit()
        await t2.commit()  # raises SerializationError, from PostgreSQL, while the message is handled
    finally:
        await first.close()
        await second.close()


async def terminate_backend(conn: asyncpg.Connection) -> None:
    """The backend handling the message is terminated, as when PostgreSQL restarts or an operator kills it."""
    other = await _side()
    try:
        await other.fetchval("SELECT pg_terminate_backend($1)", conn.get_server_pid())
    finally:
        await other.close()
    await conn.execute("SELECT 1")


async def _inbox(runtime) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    async with runtime.pool.acquire() as conn:
        return [(r["status"], r["attempts"]) for r in await conn.fetch(
            "SELECT status, attempts FROM inbound_messages ORDER BY id")]


@pytest.mark.parametrize("fault", [deadlock, serialization_failure, terminate_backend],
                         ids=["deadlock", "serialization", "terminated-backend"])
async def test_a_transient_fault_retries_the_message_with_exactly_one_reply(runtime, session, fault) -> None:
    calls = strike(runtime, fault)
    sent = await session.say(RAM, "namaste")
    assert len(calls) == 2, "handled once more after the fault"
    assert await _inbox(runtime) == [("done", 0)]
    assert [m.recipient for m in sent] == [RAM]
    assert "Ram Kirana" in sent[0].body


async def test_each_fault_is_what_is_transient_means(runtime) -> None:
    async with runtime.pool.acquire() as conn:
        await conn.execute("CREATE TABLE IF NOT EXISTS fault_rows (id int PRIMARY KEY, n int)")
        await conn.execute("TRUNCATE fault_rows; INSERT INTO fault_rows VALUES (1, 0), (2, 0)")
    for fault in (deadlock, serialization_failure, terminate_backend):
        conn = await _side()
        tx = conn.transaction()
        await tx.start()
        with pytest.raises(Exception) as raised:
            await fault(conn)
        assert is_transient(raised.value), (fault.__name__, raised.value)
        conn.terminate()
        await asyncio.gather(*_cleanups)
    assert not is_transient(RuntimeError("a bug"))
    assert not is_transient(asyncpg.exceptions.NumericValueOutOfRangeError("numeric field overflow"))


async def test_a_database_that_stays_away_leaves_the_message_for_the_sweep(runtime, session) -> None:
    strike(runtime, terminate_backend, times=100)
    assert await session.say(RAM, "namaste") == []
    assert await _inbox(runtime) == [("received", 0)], "not failed: the sender did nothing wrong"
    del runtime.intake.dispatcher.handle  # the database is back
    runtime.clock.advance(timedelta(seconds=31))
    assert await runtime.intake.sweep() == 1
    assert [m.recipient for m in await session.flush()] == [RAM]


async def _raise(conn: asyncpg.Connection) -> None:
    raise RuntimeError("a bug in a handler")


async def test_a_real_failure_is_retried_by_the_sweep_and_then_answered_once(runtime, session) -> None:
    calls = strike(runtime, _raise, times=MAX_ATTEMPTS - 1)
    assert await session.say(RAM, "namaste") == [], "no error reply while a retry is due"
    assert await _inbox(runtime) == [("failed", 1)]
    for _ in range(MAX_ATTEMPTS - 1):
        runtime.clock.advance(timedelta(seconds=31))
        await runtime.intake.sweep()
    sent = await session.flush()
    assert len(calls) == MAX_ATTEMPTS
    assert await _inbox(runtime) == [("done", MAX_ATTEMPTS - 1)]
    assert [m.recipient for m in sent] == [RAM] and "went wrong" not in sent[0].body


async def test_a_message_that_keeps_failing_is_reported_once_then_left_alone(runtime, session) -> None:
    calls = strike(runtime, _raise, times=100)
    await session.say(RAM, "namaste")
    for _ in range(MAX_ATTEMPTS + 2):
        runtime.clock.advance(timedelta(seconds=31))
        await runtime.intake.sweep()
    sent = await session.flush()
    assert len(calls) == MAX_ATTEMPTS
    assert await _inbox(runtime) == [("failed", MAX_ATTEMPTS)]
    assert sorted(m.recipient for m in sent) == sorted([RAM, ADMIN])
    assert "went wrong" in next(m.body for m in sent if m.recipient == RAM)


async def test_transient_faults_do_not_count_toward_safe_mode(runtime, session) -> None:
    calls = strike(runtime, deadlock)
    for _ in range(25):
        await session.say(RAM, "namaste")
    assert {s for s, _ in await _inbox(runtime)} == {"done"}
    assert len(calls) > 25, "the faults struck"
    assert (await watch_safe_mode(session.job_context()))["switched_on"] is None

