"""The simulator's round trip: from the page's POST /sim/send to the reply arriving on its event stream.

A real `create_app` server on a port of its own (the demo's console sender: no Twilio), the worker's
outbox loop beside it, and N simulated pages, each a retailer with its stream open, sending "help"
one after another. It prints the median and p95 of send → `message` event (the reply, read from the
outbox) and send → `status: sent` event (the outbox sent it), and the same from a "help" sent straight
to the intake without the web layer, as the baseline the console adds to.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/console_roundtrip.py [--pages 10] [--messages 20]

It works in a database of its own (`khaacho_bench_console`), made afresh.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import os
import statistics
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.databases import bench_database  # noqa: E402
from bot.app import create_app  # noqa: E402
from bot.appkeys import RUNTIME  # noqa: E402
from bot.channels.base import InboundMessage  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.worker import make_outbox, make_sender  # noqa: E402
from storage.repos.users import UserRepository  # noqa: E402

DATABASE = "khaacho_bench_console"
PORT = 18093


def _ms(values: list[float]) -> str:
    values = sorted(values)
    return f"median {statistics.median(values) * 1000:.0f} ms, p95 {values[int(len(values) * 0.95) - 1] * 1000:.0f} ms"


async def _page(http: aiohttp.ClientSession, base: str, phone: str, count: int,
                reply: list[float], sent: list[float]) -> None:
    async with http.get(f"{base}/sim/stream", params={"phone": phone}) as stream:
        for _ in range(count):
            started = time.perf_counter()
            await http.post(f"{base}/sim/send", json={"phone": phone, "text": "help", "id": uuid.uuid4().hex})
            got_reply = got_sent = False
            event = ""
            while not (got_reply and got_sent):
                line = (await stream.content.readline()).decode().strip()
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    data = json.loads(line[6:])
                    if event == "message" and not got_reply:
                        reply.append(time.perf_counter() - started)
                        got_reply = True
                        got_sent = data["status"] == "sent"
                    elif event == "status" and data["status"] == "sent" and got_reply and not got_sent:
                        sent.append(time.perf_counter() - started)
                        got_sent = True
            if len(sent) < len(reply):
                sent.append(reply[-1])


async def main(pages: int, count: int) -> None:
    url = await bench_database(DATABASE)
    env = {**os.environ, "DATABASE_URL": url}
    for key in ("TWILIO_AUTH_TOKEN", "META_ACCESS_TOKEN"):
        env.pop(key, None)
    config = load_config(env=env)
    config = dataclasses.replace(config, web=dataclasses.replace(config.web, simulator=True, time_travel=False))
    app = create_app(config)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", PORT).start()
    runtime = app[RUNTIME]
    phones = [f"+97798100{i:05d}" for i in range(pages)]
    baseline = [f"+97798200{i:05d}" for i in range(count)]  # fresh numbers: the per-sender limit stays out
    async with runtime.pool.acquire() as conn:
        for phone in phones + baseline:
            await UserRepository(conn).add_retailer(phone, f"Bench shop {phone[-3:]}", Decimal(50000))
    sender = make_sender(runtime.config)
    outbox = make_outbox(runtime, sender)
    stop = asyncio.Event()

    async def pump() -> None:
        while not stop.is_set():
            await outbox.drain()
            await asyncio.sleep(0.02)

    pumping = asyncio.create_task(pump())
    reply: list[float] = []
    sent: list[float] = []
    base = f"http://127.0.0.1:{PORT}"
    async with aiohttp.ClientSession() as http:
        await asyncio.gather(*(_page(http, base, p, count, reply, sent) for p in phones))
    direct: list[float] = []
    for phone in baseline:
        async with runtime.pool.acquire() as conn:
            before = await conn.fetchval("SELECT coalesce(max(id), 0) FROM outbound_messages")
        started = time.perf_counter()
        await runtime.intake.receive(InboundMessage("console", uuid.uuid4().hex, phone, "help"))
        await runtime.intake.process(phone)
        direct.append(time.perf_counter() - started)
        async with runtime.pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM outbound_messages WHERE id > $1", before) >= 1
    stop.set()
    await pumping
    await sender.close()
    await runner.cleanup()
    print(f"{pages} pages × {count} messages, each page waiting for its reply before the next")
    print(f"send → reply on the stream:      {_ms(reply)}  ")
    print(f"send → 'sent' status on stream:  {_ms(sent)}")
    print(f"baseline, intake alone → queued: {_ms(direct)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--messages", type=int, default=20)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main(args.pages, args.messages))
