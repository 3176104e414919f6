"""A realistic mix end to end: orders of 3-8 catalogue items, YES and edits, inquiries, vendor replies.

Each retailer runs one conversation of ten messages, each posted (signed, to the next `serve` round
robin) once a reply to the one before reached the Twilio stub: six orders of 3-8 items of the demo
catalogue, an edit of the draft and a YES (20 %), a balance or status inquiry (10 %), and the vendor
that got the confirmed order answers ACCEPT (10 %). Conversations start at a fixed rate (open loop).
Afterwards every message is checked from the stub's side: answered, each outbox row delivered
exactly once, and each recipient's messages from one conversation received in the order they were queued. It prints the
rate of handled messages, p50/p99 from webhook post to the first reply delivered, and the same
number of posts against bare aiohttp handlers in the same layout (the ceiling) with the ratio.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/mix_load.py [--rate 20] [--seconds 10] [--servers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import aiohttp
import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.databases import fresh_database
from bench.load_common import PUBLIC, TOKEN, bare_processes, bare_round, percentile, start_stub
from bot.commands.catalog import import_catalog
from bot.commands.seed import DEMO_CATALOG
from storage.db import connect
from storage.embedded import ensure_services
from storage.repos.users import UserRepository
from tests.support.processes import khaacho_processes
from tests.support.signing import sign, twilio_form
from tests.support.twilio_stub import TwilioStub

# per conversation: 6 orders, 2 YES/edits, 1 inquiry, 1 vendor reply (the ACCEPT that follows the YES)
SCRIPT = ("order", "order", "edit", "yes", "vendor", "order", "inquiry", "order", "order", "order")
INQUIRIES = ("balance", "status", "mero baki kati cha", "order status")
EDITS = ("add 2 kg chini", "add 1 packet wai wai", "remove chini")
VENDORS = 20


def catalogue_words() -> list[tuple[str, str]]:
    """(alias, unit) of each demo product: what a shop owner types for it."""
    with DEMO_CATALOG.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [(r["aliases"].split("|")[0], r["unit"]) for r in rows if r["aliases"] and r["aliases"].isascii()]


def order_text(rng: random.Random, words: list[tuple[str, str]]) -> str:
    items = rng.sample(words, rng.randint(3, 8))
    return ", ".join(f"{rng.randint(1, 5)} {unit} {alias}" for alias, unit in items)


async def prepare(base_url: str, retailers: list[str], vendors: list[str], name: str) -> str:
    url = await fresh_database(base_url, name)
    await import_catalog(DEMO_CATALOG, url, progress=False)
    conn = await connect(url)
    try:
        users = UserRepository(conn)
        async with conn.transaction():
            for i, phone in enumerate(retailers):
                await users.add_retailer(phone, f"Shop {i}", Decimal(10_000_000), address="Butwal",
                                         lat=27.70 + i % 50 / 1000, lon=83.45)
            for i, phone in enumerate(vendors):
                await users.add_vendor(phone, f"Traders {i}", lat=27.69 + i / 1000, lon=83.45)
    finally:
        await conn.close()
    return url


class Mix:
    """Posts the conversations; remembers when each MessageSid was posted and by whom."""

    def __init__(self, url: str, ports: list[int], stub: TwilioStub, seed: int) -> None:
        self.url, self.ports, self.stub = url, ports, stub
        self.rng = random.Random(seed)
        self.words = catalogue_words()
        self.posted: dict[str, tuple[str, float, str]] = {}  # sid -> (phone, posted at, kind)
        self.refused = self.unanswered = self.abandoned = 0
        self._turn = 0

    async def post(self, http: aiohttp.ClientSession, phone: str, text: str, kind: str) -> str | None:
        """The message's SID once the webhook took it; None when it was refused 20 times (10 s of
        503s: an overloaded server), which abandons the conversation (counted, not fatal)."""
        form = twilio_form(phone, text)
        headers = {"X-Twilio-Signature": sign(TOKEN, f"{PUBLIC}/webhooks/twilio", form)}
        self.posted[form["MessageSid"]] = (phone, time.monotonic(), kind)
        for _attempt in range(20):  # a 503 is retried, as the provider does
            port = self.ports[self._turn % len(self.ports)]
            self._turn += 1
            async with http.post(f"http://127.0.0.1:{port}/webhooks/twilio", data=form, headers=headers) as response:
                if response.status == 200:
                    return form["MessageSid"]
                if response.status != 503:
                    raise RuntimeError(f"webhook answered {response.status}")
                self.refused += 1
            await asyncio.sleep(0.5)
        del self.posted[form["MessageSid"]]
        self.abandoned += 1
        return None

    async def answered(self, phone: str, since: float, timeout: float = 30.0) -> bool:
        """Until the stub received a message to `phone` after `since`."""
        deadline = time.monotonic() + timeout
        address = "whatsapp:" + phone
        while time.monotonic() < deadline:
            if any(m.received > since and m.to == address for m in reversed(self.stub.messages[-2000:])):
                return True
            await asyncio.sleep(0.01)
        self.unanswered += 1
        return False

    async def converse(self, http: aiohttp.ClientSession, conn: asyncpg.Pool, phone: str) -> None:
        for kind in SCRIPT:
            if kind == "vendor":
                continue  # posted right after the YES, from the vendor the order went to
            text = {"order": lambda: order_text(self.rng, self.words), "edit": lambda: self.rng.choice(EDITS),
                    "yes": lambda: "yes", "inquiry": lambda: self.rng.choice(INQUIRIES)}[kind]()
            before = time.monotonic()
            sid = await self.post(http, phone, text, kind)
            if sid is None or not await self.answered(phone, before):
                return
            if kind == "yes":
                await self.vendor_accepts(http, conn, sid)

    async def vendor_accepts(self, http: aiohttp.ClientSession, pool: asyncpg.Pool, yes_sid: str) -> None:
        """The vendor whose new-order notice the YES queued answers ACCEPT <order>."""
        row = await pool.fetchrow(
            "SELECT o.order_id, o.recipient FROM outbound_messages o JOIN inbound_messages i ON i.id = o.inbound_id"
            " WHERE i.provider_id = $1 AND o.recipient <> i.phone AND o.order_id IS NOT NULL LIMIT 1", yes_sid)
        if row is not None:
            await self.post(http, row["recipient"], f"ACCEPT {row['order_id']}", "vendor")


async def run_mix(mix: Mix, retailers: list[str], vendors: list[str], rate: float) -> float:
    connector = aiohttp.TCPConnector(limit=512)
    async with aiohttp.ClientSession(connector=connector) as http, asyncpg.create_pool(
            mix.url, min_size=1, max_size=4) as pool:
        # the vendors wrote today (their 24-hour window is open: orders reach them as free text), not timed
        await asyncio.gather(*(mix.answered(v, time.monotonic()) for v in vendors),
                             *(mix.post(http, v, "namaste", "warm-up") for v in vendors))
        mix.posted.clear()
        start = time.monotonic()
        tasks = []
        for i, phone in enumerate(retailers):
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(mix.converse(http, pool, phone)))
        await asyncio.gather(*tasks)
    return start


async def outbox_drained(url: str, timeout: float = 60.0) -> None:
    """Until no outbox row waits to be sent (notices queued after the last reply go out too)."""
    conn = await asyncpg.connect(url)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and await conn.fetchval(
                "SELECT count(*) FROM outbound_messages WHERE status IN ('queued', 'sending')"):
            await asyncio.sleep(0.2)
    finally:
        await conn.close()


async def check(mix: Mix, start: float) -> dict[str, float]:
    """Exactly once and in order per recipient; latency to each message's first reply."""
    conn = await asyncpg.connect(mix.url)
    try:
        rows = await conn.fetch("SELECT o.id, o.provider_sid, o.recipient, i.provider_id, i.phone, i.status"
                                " FROM outbound_messages o LEFT JOIN inbound_messages i ON i.id = o.inbound_id")
        handled = await conn.fetchval("SELECT count(*) FROM inbound_messages WHERE status = 'done'")
    finally:
        await conn.close()
    by_sid = {r["provider_sid"]: r for r in rows if r["provider_sid"]}
    stub_sids = Counter(m.sid for m in mix.stub.messages)
    unrecorded = sum(1 for sid in stub_sids if sid not in by_sid)
    received: dict[tuple[str, str], list[tuple[float, int]]] = {}
    first_reply: dict[str, float] = {}
    for m in mix.stub.messages:
        row = by_sid.get(m.sid)
        if row is None:
            continue
        # in order per recipient and conversation the rows came from (two conversations' transactions
        # commit in either order, so their rows to one vendor have no order between them)
        received.setdefault((row["recipient"], row["phone"] or ""), []).append((m.received, row["id"]))
        if row["provider_id"] and row["recipient"] == row["phone"]:
            first_reply[row["provider_id"]] = min(m.received, first_reply.get(row["provider_id"], m.received))
    out_of_order = sum(1 for got in received.values() if [i for _, i in sorted(got)] != sorted(i for _, i in got))
    latencies = [first_reply[sid] - at for sid, (_, at, _) in mix.posted.items() if sid in first_reply]
    times = [first_reply[sid] for sid in mix.posted if sid in first_reply]
    return {"messages": len(mix.posted), "handled": handled, "outbox": len(rows),
            "delivered": len(mix.stub.messages), "not_sent": sum(1 for r in rows if not r["provider_sid"]),
            "unanswered": sum(1 for sid in mix.posted if sid not in first_reply),
            "twice": sum(n - 1 for n in stub_sids.values()) + unrecorded, "out_of_order": out_of_order,
            "per_s": len(times) / (max(times) - start) if times else 0.0,
            "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
            "p99_ms": 1000 * percentile(latencies, 0.99), "kinds": Counter(k for _, _, k in mix.posted.values())}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=20.0, help="conversations started per second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--servers", type=int, default=1, help="serve + worker pairs")
    parser.add_argument("--send-rate", type=float, default=2000.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", default="khaacho_bench_mix", help="the bench's own database, made afresh")
    args = parser.parse_args()
    services = ensure_services()
    retailers = [f"+97798{i:08d}" for i in range(int(args.rate * args.seconds))]
    vendors = [f"+97797{i:08d}" for i in range(VENDORS)]
    url = await prepare(services.database_url, retailers, vendors, args.database)
    runner, stub, env = await start_stub(url, services.redis_url, args.send_rate)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; {len(retailers)} conversations"
          f" of {len(SCRIPT)} messages started at {args.rate:.0f}/s, {args.servers} serve + worker", flush=True)
    logs = Path(tempfile.mkdtemp(prefix="khaacho-bench-"))
    count = len(retailers) * len(SCRIPT)
    with bare_processes(args.servers) as bare_ports:  # the ceiling: as many posts, offered faster than taken
        bare = await bare_round(bare_ports, (retailers * len(SCRIPT))[:count], 4000)
    with khaacho_processes(env, servers=args.servers, workers=args.servers, log_dir=logs) as ports:
        await asyncio.sleep(1.0)
        mix = Mix(url, ports, stub, args.seed)
        start = await run_mix(mix, retailers, vendors, args.rate)
        await outbox_drained(url)
        await asyncio.sleep(1.0)  # anything sent twice arrives now
    r = await check(mix, start)
    kinds = ", ".join(f"{k} {n / r['messages']:.0%}" for k, n in sorted(r["kinds"].items()))
    print(f"posted {r['messages']} ({kinds}); 503s {mix.refused}; conversations abandoned after 20 refusals of"
          f" one message {mix.abandoned}; handled {r['handled']}; outbox rows {r['outbox']},"
          f" delivered {r['delivered']}, not sent {r['not_sent']}")
    print(f"{'msgs/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'unanswered':>10} {'twice':>5} {'disorder':>8} {'bare/s':>7}"
          f" {'bare p99':>8} {'ratio':>6} {'load':>5}")
    print(f"{r['per_s']:>7.1f} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} {r['unanswered']:>10} {r['twice']:>5}"
          f" {r['out_of_order']:>8} {bare['sustained_per_s']:>7.1f} {bare['p99_ms']:>8.1f}"
          f" {r['per_s'] / bare['sustained_per_s']:>6.3f} {os.getloadavg()[0]:>5.1f}", flush=True)
    await runner.cleanup()
    print(f"process logs: {logs}")


if __name__ == "__main__":
    asyncio.run(main())
