"""Webhook load: signed greeting posts at rising rates against N `serve` + N `worker` pairs (1, then 2).

Each round posts a bounded number of "namaste" messages, each from its own retailer, at a fixed
rate (open loop), to real `khaacho serve` processes with one `khaacho worker` and a local Twilio
stub. It prints the sustained rate of replies delivered to the stub, p50/p99 from webhook post to
delivered reply, the CPU the `serve` and `worker` processes spent per delivered reply (the round's
idle time included, so a figure at a low rate reads high), and checks that no message was lost or
answered twice.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/webhook_load.py [--rates 100,200,300,400] [--seconds 5] [--servers 1,2]

Without DATABASE_URL / REDIS_URL it uses the embedded services. It works in a database of its own
(`khaacho_bench` unless `--database` names another), made afresh.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load_common import (
    PUBLIC,
    TOKEN,
    bare_processes,
    bare_round,
    children_cpu,
    prepare_database,
    reset,
    start_stub,
)
from storage.embedded import ensure_services
from tests.support.processes import khaacho_processes
from tests.support.signing import sign, twilio_form
from tests.support.twilio_stub import TwilioStub


async def one_round(ports: list[int], stub: TwilioStub, phones: list[str], rate: int) -> dict[str, float]:
    stub.messages.clear()
    posted: dict[str, float] = {}
    refused: list[str] = []
    interval = 1.0 / rate
    connector = aiohttp.TCPConnector(limit=256)
    async with aiohttp.ClientSession(connector=connector) as http:
        async def post(i: int, phone: str) -> None:
            form = twilio_form(phone, "namaste")
            headers = {"X-Twilio-Signature": sign(TOKEN, f"{PUBLIC}/webhooks/twilio", form)}
            posted[phone] = time.monotonic()
            async with http.post(f"http://127.0.0.1:{ports[i % len(ports)]}/webhooks/twilio", data=form,
                                 headers=headers) as response:
                if response.status == 503:  # at capacity: the provider retries later; counted, not lost here
                    refused.append(phone)
                elif response.status != 200:
                    raise RuntimeError(f"webhook answered {response.status}")

        start = time.monotonic()
        tasks = []
        for i, phone in enumerate(phones):
            delay = start + i * interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(i, phone)))
        await asyncio.gather(*tasks)
        post_span = time.monotonic() - start
    with contextlib.suppress(TimeoutError):
        await stub.wait_for(len(phones), timeout=30)
    await asyncio.sleep(1.0)  # anything answered twice arrives now
    replies: dict[str, list[float]] = {}
    for m in stub.messages:
        replies.setdefault(m.to.removeprefix("whatsapp:"), []).append(m.received)
    for phone in refused:
        posted.pop(phone, None)
    latencies = sorted(min(times) - posted[p] for p, times in replies.items() if p in posted)
    delivered_at = sorted(min(times) for times in replies.values())
    span = delivered_at[-1] - start if delivered_at else float("nan")
    return {
        "offered_rate": rate, "posted": len(phones), "post_span_s": post_span, "refused": len(refused),
        "delivered": len(replies), "lost": len(phones) - len(refused) - len(replies),
        "answered_twice": sum(1 for t in replies.values() if len(t) > 1),
        "sustained_per_s": len(replies) / span if span else 0.0,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))] if latencies else float("nan"),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", default="100,200,300,400")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each round at its rate")
    parser.add_argument("--servers", default="1,2")
    parser.add_argument("--send-rate", type=float, default=2000.0,
                        help="outbox.rate_per_sender and rate_total for the run (config.yml ships WhatsApp's 80/s)")
    parser.add_argument("--database", default="khaacho_bench", help="the bench's own database, made afresh")
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",")]
    services = ensure_services()
    phones = [f"+97798{i:08d}" for i in range(int(max(rates) * args.seconds) * 2)]
    url = await prepare_database(services.database_url, phones, args.database)

    runner, stub, env = await start_stub(url, services.redis_url, args.send_rate)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"embedded: {services.embedded or 'none'}; outbox limit {args.send_rate:.0f}/s")
    print(f"{'servers':>7} {'offered/s':>9} {'posted':>6} {'503':>5} {'deliv':>6} {'lost':>4} {'twice':>5} "
          f"{'sustained/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'bare/s':>8} {'bare p99':>8} {'ratio':>6} {'load':>5}"
          f" {'serve CPU ms/msg':>16} {'worker':>6}")
    logs = Path(tempfile.mkdtemp(prefix="khaacho-bench-"))
    for servers in (int(s) for s in args.servers.split(",")):
        with bare_processes(servers) as bare_ports:
            bare = {rate: await bare_round(bare_ports, phones[:int(rate * args.seconds)], rate) for rate in rates}
        with khaacho_processes(env, servers=servers, workers=servers, log_dir=logs) as ports:
            await asyncio.sleep(1.0)
            offset = 0
            for rate in rates:
                await reset(url)
                count = int(rate * args.seconds)
                cpu_before = children_cpu()
                r = await one_round(ports, stub, phones[offset:offset + count], rate)
                cpu = {k: 1000 * (v - cpu_before.get(k, 0.0)) / max(1, r["delivered"])
                       for k, v in children_cpu().items()}
                offset = (offset + count) % (len(phones) - count)
                b = bare[rate]
                print(f"{servers:>7} {rate:>9} {r['posted']:>6} {r['refused']:>5} {r['delivered']:>6} {r['lost']:>4} "
                      f"{r['answered_twice']:>5} {r['sustained_per_s']:>11.1f} {r['p50_ms']:>8.1f} "
                      f"{r['p99_ms']:>8.1f} {b['sustained_per_s']:>8.1f} {b['p99_ms']:>8.1f} "
                      f"{r['sustained_per_s'] / b['sustained_per_s']:>6.2f} {os.getloadavg()[0]:>5.1f}"
                      f" {cpu.get('serve', 0.0):>16.2f} {cpu.get('worker', 0.0):>6.2f}", flush=True)
    await runner.cleanup()
    print(f"process logs: {logs}")


if __name__ == "__main__":
    asyncio.run(main())
