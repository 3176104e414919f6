"""Real `serve` and `worker` processes behind TCP proxies to PostgreSQL and Redis, a Twilio stub, and a
stream of signed webhooks from many conversations: a fault is started, lasts, is cleared, and `run`
measures what became of every message (bench/faults.py and tests/platform/test_faults_under_load.py).

PostgreSQL and Redis are cut at a proxy (every open connection reset, new ones refused) rather than
stopped: the server is shared with other work on this machine. For the processes it is the same outage.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import asyncpg
from aiohttp import web

from storage.db import connect, migrate
from storage.repos.users import UserRepository
from tests.support.inbound_load import Outcome, Posted, WebhookLoad, outcome
from tests.support.processes import Cluster, cluster, free_port
from tests.support.tcp_proxy import TcpProxy, proxy_for
from tests.support.twilio_stub import TwilioStub

SID, TOKEN = "AC" + "c3" * 16, "fault-token"
PUBLIC = "https://bot.example.com"


@dataclass
class Stand:
    stub: TwilioStub
    database_url: str          # direct, for checking
    postgres: TcpProxy
    redis: TcpProxy
    cluster: Cluster
    ports: list[int]
    phones: list[str]
    extra: dict[str, object] = field(default_factory=dict)

    def live_ports(self) -> list[int]:
        return [p for p in self.ports if self.cluster.servers[p].poll() is None]


Step = Callable[[Stand], Awaitable[None]]


@dataclass(frozen=True)
class Fault:
    name: str
    start: Step
    clear: Step
    seconds: float | None = None  # None: the duration asked for


@dataclass
class Row:
    fault: str
    result: Outcome
    recovery: float | None  # from clearing the fault until all answered before then were handled


async def _seed(database_url: str, phones: list[str]) -> None:
    conn = await connect(database_url)
    try:
        await migrate(conn)
        await conn.execute("TRUNCATE inbound_messages, inbound_message_ids, outbound_messages, conversations CASCADE")
        users = UserRepository(conn)
        for i, phone in enumerate(phones):
            await users.add_retailer(phone, f"Shop {i}", Decimal(10000))
    finally:
        await conn.close()


def stand_config(folder: Path, source: Path) -> Path:
    """config.yml with the spool in `folder` and a 5-second stale threshold for rows left `sending`."""
    text = source.read_text(encoding="utf-8")
    for old, new in (("stale_after: 1m", "stale_after: 5s"), ("spool_dir: var/spool", f"spool_dir: {folder}/spool")):
        assert old in text, old
        text = text.replace(old, new)
    path = folder / "config.yml"
    path.write_text(text, encoding="utf-8")
    return path


@contextlib.asynccontextmanager
async def stand(database_url: str, redis_url: str, folder: Path, config_source: Path, *, conversations: int = 50,
                servers: int = 2) -> AsyncIterator[Stand]:
    phones = [f"+9779833{i:06d}" for i in range(conversations)]
    await _seed(database_url, phones)
    twilio = TwilioStub(SID, TOKEN)
    runner = web.AppRunner(twilio.app(), access_log=None)
    await runner.setup()
    stub_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", stub_port).start()
    pg_proxy, proxied_database_url = await proxy_for(database_url)
    redis_proxy, proxied_redis_url = await proxy_for(redis_url)
    env = {"DATABASE_URL": proxied_database_url, "REDIS_URL": proxied_redis_url,
           "TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_FROM_NUMBER": "+14155238886",
           "TWILIO_API_BASE_URL": f"http://127.0.0.1:{stub_port}", "PUBLIC_BASE_URL": PUBLIC,
           "KHAACHO_CONFIG": str(stand_config(folder, config_source))}
    try:
        with cluster(env, folder) as running:
            running.start_worker()
            ports = [free_port() for _ in range(servers)]
            await asyncio.to_thread(running.start_servers, ports)
            yield Stand(twilio, database_url, pg_proxy, redis_proxy, running, ports, phones)
    finally:
        await pg_proxy.cut()
        await redis_proxy.cut()
        await runner.cleanup()


async def run(fault: Fault, s: Stand, *, seconds: float, warmup: float = 5.0, after: float = 5.0,
              interval: float = 4.0, drain_timeout: float = 180.0) -> Row:
    """Stream webhooks; start the fault after `warmup`, clear it after its duration, stream `after` more
    seconds, then wait until every message answered 200 is handled (or `drain_timeout`)."""
    s.stub.messages.clear()  # the last fault's replies were all delivered before this one starts
    load = WebhookLoad(s.live_ports, s.phones, TOKEN, PUBLIC, interval=interval)
    streaming = asyncio.create_task(load.run())
    try:
        await _until(lambda: len(load.posted) >= len(s.phones) // 2, 120, "the servers answer no webhook")
        await asyncio.sleep(warmup)
        await fault.start(s)
        await asyncio.sleep(fault.seconds or seconds)
        await fault.clear(s)
        cleared_at = time.monotonic()
        before: list[Posted] = list(load.posted)
        await asyncio.sleep(after)
    finally:
        load.stop()
        await streaming
    recovery = None
    deadline = time.monotonic() + drain_timeout
    while time.monotonic() < deadline:
        if recovery is None and (await outcome(s.database_url, s.stub, before)).lost == 0:
            recovery = time.monotonic() - cleared_at
        if recovery is not None and (await outcome(s.database_url, s.stub, load.posted)).lost == 0:
            break
        await asyncio.sleep(0.5)
    await asyncio.sleep(1.0)  # a reply sent twice would arrive now
    return Row(fault.name, await outcome(s.database_url, s.stub, load.posted), recovery)


async def _until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.1)


async def outbox_left(database_url: str) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        return await conn.fetchval("SELECT count(*) FROM outbound_messages WHERE status IN ('queued', 'sending')")
    finally:
        await conn.close()


# the faults: each a start and a clear on the running stand

async def kill_a_server(s: Stand) -> None:
    s.extra["killed"] = port = s.live_ports()[0]
    s.cluster.kill(s.cluster.servers[port])


async def restart_the_server(s: Stand) -> None:
    port = s.extra.pop("killed")
    assert isinstance(port, int)
    await asyncio.to_thread(s.cluster.start_servers, [port])


async def kill_the_worker(s: Stand) -> None:
    s.stub.delay = 0.3  # each send in flight for a while: the kill catches some mid-send
    await asyncio.sleep(2.0)
    for proc in s.cluster.workers:
        if proc.poll() is None:
            s.cluster.kill(proc)


async def start_a_worker(s: Stand) -> None:
    s.stub.delay = 0.0
    s.cluster.start_worker()


async def cut_postgres(s: Stand) -> None:
    await s.postgres.cut()


async def restore_postgres(s: Stand) -> None:
    await s.postgres.restore()


async def cut_redis(s: Stand) -> None:
    await s.redis.cut()


async def restore_redis(s: Stand) -> None:
    await s.redis.restore()


async def twilio_500(s: Stand) -> None:
    s.stub.fail_next = [500] * 1_000_000


async def twilio_429(s: Stand) -> None:
    s.stub.retry_after = 2
    s.stub.fail_next = [429] * 1_000_000


async def twilio_resets(s: Stand) -> None:
    s.stub.drop_next = 1_000_000


async def twilio_times_out(s: Stand) -> None:
    s.stub.hang = 12.0  # longer than the Twilio client's 10 s timeout: every request times out


async def twilio_answers(s: Stand) -> None:
    s.stub.fail_next, s.stub.drop_next, s.stub.hang = [], 0, 0.0


KILL_SERVE = Fault("kill -9 serve mid-burst", kill_a_server, restart_the_server)
KILL_WORKER = Fault("kill -9 worker mid-send", kill_the_worker, start_a_worker)
POSTGRES_DOWN = Fault("postgresql down (proxy cut)", cut_postgres, restore_postgres)
REDIS_DOWN = Fault("redis down (proxy cut)", cut_redis, restore_redis)
FAULTS = [
    KILL_SERVE, KILL_WORKER, POSTGRES_DOWN, REDIS_DOWN,
    Fault("twilio 500", twilio_500, twilio_answers),
    Fault("twilio 429 + Retry-After", twilio_429, twilio_answers),
    Fault("twilio resets connections", twilio_resets, twilio_answers),
    Fault("twilio times out (30 s)", twilio_times_out, twilio_answers, seconds=30.0),
]
