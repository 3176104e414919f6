"""Faults under a steady stream of outbound messages: does the outbox lose, double or reorder anything?

For each fault a real `khaacho worker` sends to a local Twilio stub while rows are queued at a fixed
rate for a few recipients (numbered bodies, so order can be checked). Once the worker is sending and
warmed up the fault starts, lasts its duration, is cleared, and the stream goes on a little; then the
bench waits for the outbox to drain. It prints, per fault: messages offered, delivered, lost,
delivered twice, recipients whose messages arrived out of order, and the recovery time (from
clearing the fault until every message queued before that moment had reached the stub).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/faults.py [--faults twilio-500,twilio-429,...] [--seconds 10] [--rate 20]

A fault is a row of FAULTS: a name, how to start it and how to clear it (both get the running `Bench`,
which holds the stub, the worker process and the database URL), and how long it lasts. Other faults —
`kill -9` of serve or the worker, a PostgreSQL or Redis restart — are further rows of the same shape.
It works in a database of its own (`khaacho_bench_faults`), made afresh, and Redis database 14.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storage.db import connect, migrate  # noqa: E402
from storage.embedded import ensure_services  # noqa: E402
from tests.support.processes import free_port, khaacho_processes  # noqa: E402
from tests.support.twilio_stub import TwilioStub  # noqa: E402

SID, TOKEN = "AC" + "c3" * 16, "bench-token"
RECIPIENTS = [f"+9779822{i:06d}" for i in range(10)]
WARMUP, AFTER = 2.0, 3.0


@dataclass
class Bench:
    stub: TwilioStub
    database_url: str
    env: dict[str, str]
    log_dir: Path
    extra: dict[str, object] = field(default_factory=dict)


Step = Callable[[Bench], Awaitable[None]]


@dataclass(frozen=True)
class Fault:
    name: str
    start: Step
    clear: Step
    seconds: float | None = None  # None: the --seconds given


async def _fail_with(status: int, bench: Bench) -> None:
    bench.stub.fail_next = [status] * 1_000_000


async def _answer_again(bench: Bench) -> None:
    bench.stub.fail_next, bench.stub.drop_next, bench.stub.hang = [], 0, 0.0


async def _reset_connections(bench: Bench) -> None:
    bench.stub.drop_next = 1_000_000


async def _time_out(bench: Bench) -> None:
    bench.stub.hang = 12.0  # longer than the Twilio client's 10 s timeout: every request times out


async def _rate_limited(bench: Bench) -> None:
    bench.stub.retry_after = 2
    await _fail_with(429, bench)


async def _server_errors(bench: Bench) -> None:
    await _fail_with(500, bench)


FAULTS = [
    Fault("twilio 500", _server_errors, _answer_again),
    Fault("twilio 429 + Retry-After", _rate_limited, _answer_again),
    Fault("twilio resets connections", _reset_connections, _answer_again),
    Fault("twilio times out (30 s)", _time_out, _answer_again, seconds=30.0),
]


@dataclass
class Row:
    fault: str
    offered: int
    delivered: int
    lost: int
    twice: int
    out_of_order: int
    recovery: float | None


async def prepare_database(base_url: str) -> str:
    admin = await asyncpg.connect(base_url)
    await admin.execute("DROP DATABASE IF EXISTS khaacho_bench_faults WITH (FORCE)")
    await admin.execute("CREATE DATABASE khaacho_bench_faults")
    await admin.close()
    url = urlunsplit(urlsplit(base_url)._replace(path="/khaacho_bench_faults"))
    conn = await connect(url)
    await migrate(conn)
    await conn.close()
    return url


async def produce(url: str, rate: float, until: Callable[[], bool], offered: list[tuple[str, str, float]]) -> None:
    """Queue one message every 1/rate seconds, round robin over RECIPIENTS, until `until()`."""
    conn = await asyncpg.connect(url)
    try:
        n, start = 0, time.monotonic()
        while not until():
            to = RECIPIENTS[n % len(RECIPIENTS)]
            body = f"message {n // len(RECIPIENTS)} for {to}"
            await conn.execute(
                "WITH q AS (INSERT INTO outbound_messages (recipient, body, next_attempt_at, created_at)"
                " VALUES ($1, $2, now(), now()) RETURNING id) SELECT id FROM q, pg_notify('outbox', $1)", to, body)
            offered.append((to, body, time.monotonic()))
            n += 1
            await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
    finally:
        await conn.close()


async def run_fault(fault: Fault, base: Bench, seconds: float, rate: float, drain_timeout: float) -> Row:
    stub = TwilioStub(SID, TOKEN)
    runner = web.AppRunner(stub.app(), access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    bench = Bench(stub, base.database_url, {**base.env, "TWILIO_API_BASE_URL": f"http://127.0.0.1:{port}"},
                  base.log_dir)
    conn = await asyncpg.connect(bench.database_url)
    await conn.execute("TRUNCATE outbound_messages CASCADE")
    offered: list[tuple[str, str, float]] = []
    stop = False
    cleared_at = None
    try:
        with khaacho_processes(bench.env, servers=0, workers=1, log_dir=bench.log_dir):
            producer = asyncio.create_task(produce(bench.database_url, rate, lambda: stop, offered))
            await stub.wait_for(1, timeout=120)  # the worker is up and sending
            await asyncio.sleep(WARMUP)
            await fault.start(bench)
            await asyncio.sleep(fault.seconds or seconds)
            await fault.clear(bench)
            cleared_at = time.monotonic()
            queued_before = len(offered)
            await asyncio.sleep(AFTER)
            stop = True
            await producer
            recovery = None
            deadline = time.monotonic() + drain_timeout
            while time.monotonic() < deadline:
                got = {(m.to, m.body) for m in stub.messages}
                if recovery is None and all(("whatsapp:" + to, body) in got for to, body, _ in offered[:queued_before]):
                    recovery = time.monotonic() - cleared_at
                if recovery is not None and len(got) >= len(offered):
                    break
                await asyncio.sleep(0.2)
            await asyncio.sleep(1.0)  # anything sent twice arrives now
    finally:
        stop = True
        await conn.close()
        await runner.cleanup()
    received = Counter((m.to.removeprefix("whatsapp:"), m.body) for m in stub.messages)
    wanted = {(to, body) for to, body, _ in offered}
    out_of_order = 0
    for to in RECIPIENTS:
        numbers = [int(m.body.split()[1]) for m in stub.messages if m.to == "whatsapp:" + to]
        out_of_order += numbers != sorted(numbers)
    return Row(fault.name, len(offered), len(wanted & set(received)), len(wanted - set(received)),
               sum(1 for n in received.values() if n > 1), out_of_order, recovery)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--faults", default=",".join(f.name for f in FAULTS),
                        help="comma-separated fault names (default: all)")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long each fault lasts")
    parser.add_argument("--rate", type=float, default=20.0, help="messages queued per second")
    parser.add_argument("--drain-timeout", type=float, default=180.0)
    args = parser.parse_args()
    chosen = [f for f in FAULTS if f.name in args.faults.split(",")]
    services = ensure_services()
    url = await prepare_database(services.database_url)
    redis_url = urlunsplit(urlsplit(services.redis_url)._replace(path="/14"))
    config = Path(tempfile.mkdtemp(prefix="khaacho-faults-")) / "config.yml"
    config.write_text((ROOT / "config.yml").read_text(encoding="utf-8").replace("stale_after: 1m", "stale_after: 5s"),
                      encoding="utf-8")
    env = {"DATABASE_URL": url, "REDIS_URL": redis_url, "TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": TOKEN,
           "KHAACHO_CONFIG": str(config)}
    log_dir = Path(tempfile.mkdtemp(prefix="khaacho-faults-"))
    base = Bench(TwilioStub(SID, TOKEN), url, env, log_dir)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; {args.rate:.0f} messages/s "
          f"to {len(RECIPIENTS)} recipients; logs in {log_dir}")
    print(f"{'fault':<28} {'offered':>7} {'delivered':>9} {'lost':>4} {'twice':>5} {'disorder':>8} {'recovery s':>10}")
    for fault in chosen:
        row = await run_fault(fault, base, args.seconds, args.rate, args.drain_timeout)
        recovery = f"{row.recovery:.1f}" if row.recovery is not None else "never"
        print(f"{row.fault:<28} {row.offered:>7} {row.delivered:>9} {row.lost:>4} {row.twice:>5} "
              f"{row.out_of_order:>8} {recovery:>10}", flush=True)
    with contextlib.suppress(Exception):
        admin = await asyncpg.connect(services.database_url)
        await admin.execute("DROP DATABASE IF EXISTS khaacho_bench_faults WITH (FORCE)")
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
