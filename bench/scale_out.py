"""Scale-out curve: signed greeting conversations end to end with 1, 2 and 4 `serve` + `worker` pairs.

Each conversation is one retailer sending `--turns` signed greetings, each posted once the webhook
has answered the one before (arrival order is then defined), round-robin over the servers, so one
conversation's messages reach different processes. Conversations start at a fixed offered rate
(open loop). After each round every conversation is checked from the stub's side: each message
was answered exactly once, and the answers reached Twilio in the order the messages were sent
(stub receipt -> provider sid -> outbox row -> its inbound row's MessageSid). The same posts against
bare aiohttp handlers in the same layout give the ceiling and the ratio. Each round sizes the
processes' pools (`database.pool_size`, at most 20) so that all of them fit in PostgreSQL's
max_connections beside what it already serves, as the README's connection-pool math asks.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/scale_out.py [--pairs 1,2,4] [--rate 60] [--seconds 5] [--turns 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load_common import (  # noqa: E402
    PUBLIC,
    TOKEN,
    bare_processes,
    bare_round,
    prepare_database,
    reset,
    start_stub,
    write_config,
)
from storage.db import connection_room  # noqa: E402
from storage.embedded import ensure_services  # noqa: E402
from tests.support.processes import khaacho_processes  # noqa: E402
from tests.support.signing import sign, twilio_form  # noqa: E402
from tests.support.twilio_stub import TwilioStub  # noqa: E402


async def conversations(ports: list[int], phones: list[str], rate: float, turns: int) -> tuple[
        dict[str, list[str]], dict[str, float], int, float]:
    """Post every conversation; (MessageSids per phone in order, post time per sid, 503s, start)."""
    sent: dict[str, list[str]] = {p: [] for p in phones}
    posted: dict[str, float] = {}
    refused = 0
    counter = 0
    connector = aiohttp.TCPConnector(limit=512)
    async with aiohttp.ClientSession(connector=connector) as http:
        async def one(phone: str) -> None:
            nonlocal refused, counter
            for _ in range(turns):
                form = twilio_form(phone, "namaste")
                headers = {"X-Twilio-Signature": sign(TOKEN, f"{PUBLIC}/webhooks/twilio", form)}
                port = ports[counter % len(ports)]
                counter += 1
                posted[form["MessageSid"]] = time.monotonic()
                for _attempt in range(20):  # a 503 is retried, as the provider does
                    async with http.post(f"http://127.0.0.1:{port}/webhooks/twilio", data=form,
                                         headers=headers) as response:
                        if response.status == 200:
                            break
                        if response.status != 503:
                            raise RuntimeError(f"webhook answered {response.status}")
                        refused += 1
                    await asyncio.sleep(0.5)
                sent[phone].append(form["MessageSid"])

        start = time.monotonic()
        tasks = []
        for i, phone in enumerate(phones):
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(phone)))
        await asyncio.gather(*tasks)
    return sent, posted, refused, start


async def check(url: str, stub: TwilioStub, sent: dict[str, list[str]], posted: dict[str, float],
                start: float) -> dict[str, float]:
    """Exactly once and in order, per conversation, from what the stub received."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT o.provider_sid, i.provider_id FROM outbound_messages o"
                                " JOIN inbound_messages i ON i.id = o.inbound_id WHERE o.provider_sid IS NOT NULL")
    finally:
        await conn.close()
    answers = {r["provider_sid"]: r["provider_id"] for r in rows}
    received: dict[str, list[tuple[float, str]]] = {}
    for m in stub.messages:
        received.setdefault(m.to.removeprefix("whatsapp:"), []).append((m.received, answers.get(m.sid, "?")))
    out_of_order = twice = lost = 0
    unrecorded = sum(1 for m in stub.messages if m.sid not in answers)  # sent, its sid not yet written back
    latencies: list[float] = []
    for phone, sids in sent.items():
        got = [sid for _, sid in sorted(received.get(phone, [])) if sid != "?"]
        twice += len(got) - len(set(got))
        lost += len(set(sids) - set(got))  # an unrecorded answer counts as lost here: the bench cannot tell
        firsts = list(dict.fromkeys(got))
        if firsts != [s for s in sids if s in set(got)]:
            out_of_order += 1
        latencies += [t - posted[sid] for t, sid in received.get(phone, []) if sid in posted]
    latencies.sort()
    times = sorted(m.received for m in stub.messages)
    return {"messages": sum(len(s) for s in sent.values()), "delivered": len(stub.messages), "lost": lost,
            "twice": twice, "out_of_order": out_of_order, "unrecorded": unrecorded,
            "per_s": len(times) / (times[-1] - start) if times else 0.0,
            "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
            "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))] if latencies else float("nan")}


async def pool_size_for(url: str, pairs: int) -> int:
    """database.pool_size for `pairs` serve + worker pairs: their pools and the workers' listeners fit
    in what PostgreSQL takes less what it already serves and 10 spare (README "Connection-pool math")."""
    conn = await asyncpg.connect(url)
    try:
        most, used = await connection_room(conn)
    finally:
        await conn.close()
    return max(3, min(20, (most - used - 10 - pairs) // (2 * pairs)))


def with_pool_size(env: dict[str, str], size: int) -> dict[str, str]:
    """`env` whose KHAACHO_CONFIG is a copy of its config with database.pool_size = size."""
    return {**env, "KHAACHO_CONFIG": str(write_config(Path(env["KHAACHO_CONFIG"]), database={"pool_size": size}))}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", default="1,2,4")
    parser.add_argument("--rate", type=float, default=60.0, help="conversations started per second")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--turns", type=int, default=3, help="greetings per conversation")
    parser.add_argument("--send-rate", type=float, default=2000.0)
    args = parser.parse_args()
    services = ensure_services()
    count = int(args.rate * args.seconds)
    phones = [f"+97798{i:08d}" for i in range(count)]
    url = await prepare_database(services.database_url, phones, name="khaacho_bench_scale")
    runner, stub, env = await start_stub(url, services.redis_url, args.send_rate)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; {count} conversations of"
          f" {args.turns} greetings, started at {args.rate:.0f}/s")
    print(f"{'pairs':>5} {'msgs':>5} {'503':>5} {'deliv':>5} {'no sid':>6} {'lost':>4} {'twice':>5} {'disorder':>8} "
          f"{'msgs/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'bare/s':>7} {'ratio':>6} {'pool':>4} {'load':>5}", flush=True)
    logs = Path(tempfile.mkdtemp(prefix="khaacho-bench-"))
    for pairs in (int(p) for p in args.pairs.split(",")):
        many = [p for p in phones for _ in range(args.turns)]
        with bare_processes(pairs) as bare_ports:
            bare = await bare_round(bare_ports, many, args.rate * args.turns)
        pool = await pool_size_for(url, pairs)
        with khaacho_processes(with_pool_size(env, pool), servers=pairs, workers=pairs, log_dir=logs) as ports:
            await asyncio.sleep(1.0)
            await reset(url)
            stub.messages.clear()
            sent, posted, refused, start = await conversations(ports, phones, args.rate, args.turns)
            with contextlib.suppress(TimeoutError):
                await stub.wait_for(count * args.turns, timeout=60)
            await asyncio.sleep(1.0)  # anything answered twice arrives now
        r = await check(url, stub, sent, posted, start)  # once the processes' pools are closed
        print(f"{pairs:>5} {r['messages']:>5} {refused:>5} {r['delivered']:>5} {r['unrecorded']:>6} {r['lost']:>4} "
              f"{r['twice']:>5} "
              f"{r['out_of_order']:>8} {r['per_s']:>7.1f} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} "
              f"{bare['sustained_per_s']:>7.1f} {r['per_s'] / bare['sustained_per_s']:>6.2f} {pool:>4} "
              f"{os.getloadavg()[0]:>5.1f}", flush=True)
    await runner.cleanup()
    print(f"process logs: {logs}")


if __name__ == "__main__":
    asyncio.run(main())
