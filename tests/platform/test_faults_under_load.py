"""Short versions of bench/faults.py: a stream of signed webhooks from 20 conversations to two real
`serve` processes and a worker while a server is killed or PostgreSQL or Redis is cut for a few
seconds. Every message answered 200 is handled and answered once, each conversation in order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.config import DEFAULT_CONFIG
from tests.support.fault_stand import KILL_SERVE, POSTGRES_DOWN, REDIS_DOWN, Fault, outbox_left, run, stand


async def _survives(fault: Fault, tmp_path: Path) -> None:
    async with stand(os.environ["DATABASE_URL"], os.environ["REDIS_URL"], tmp_path, DEFAULT_CONFIG,
                     conversations=20) as s:
        row = await run(fault, s, seconds=4.0, warmup=2.0, after=2.0, interval=2.5, drain_timeout=90)
    result = row.result
    assert result.offered > 40, f"too little load to show anything: {result}"
    assert result.lost == 0, f"messages answered 200 were lost: {result}"
    assert result.duplicated == 0, f"replies were sent twice: {result}"
    assert result.out_of_order == 0, f"a conversation was answered out of order: {result}"
    assert await outbox_left(os.environ["DATABASE_URL"]) == 0


@pytest.mark.timeout(300)
async def test_a_server_killed_mid_burst_loses_no_answered_message(tmp_path) -> None:
    await _survives(KILL_SERVE, tmp_path)


@pytest.mark.timeout(300)
async def test_postgresql_cut_for_seconds_loses_no_answered_message(tmp_path) -> None:
    await _survives(POSTGRES_DOWN, tmp_path)


@pytest.mark.timeout(300)
async def test_redis_cut_for_seconds_loses_no_answered_message(tmp_path) -> None:
    await _survives(REDIS_DOWN, tmp_path)


async def test_the_worker_polls_on_when_redis_drops_a_connection(monkeypatch) -> None:
    from arq.worker import Worker
    from redis.exceptions import ConnectionError as RedisConnectionError

    from bot.worker import ResilientWorker

    calls = []

    async def poll(self) -> None:  # type: ignore[no-untyped-def]
        calls.append(1)
        raise RedisConnectionError("Connection closed by server.")

    monkeypatch.setattr(Worker, "_poll_iteration", poll)
    worker = ResilientWorker.__new__(ResilientWorker)
    worker.redis_retry_every = 0.0
    await worker._poll_iteration()  # arq's own would raise, and end `khaacho worker`
    await worker._poll_iteration()
    assert len(calls) == 2
