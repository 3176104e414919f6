"""What the end-to-end load benches share: their database, the Twilio stub, and the bare-aiohttp ceiling.

The ceiling is the same open-loop posts against bare aiohttp processes that accept the form and answer
200, in the same process layout and the same run, so a bench's ratio to it stays stable on a noisy machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import yaml
from aiohttp import web

from bench.databases import fresh_database
from storage.db import connect
from tests.support.processes import free_port
from tests.support.signing import twilio_form
from tests.support.twilio_stub import TwilioStub

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], share: float) -> float:
    """The `share` quantile of `values` (nan when empty), nearest rank below."""
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))] if ordered else float("nan")


def children_cpu() -> dict[str, float]:
    """CPU seconds (user + system) each `khaacho serve` / `worker` child of this process has used so far,
    summed by command: per message, the figure a loaded machine slows less than a rate."""
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[1]) != os.getpid():  # the field after the state: the parent's pid
                continue
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            command = next((a.decode() for a in args if a in (b"serve", b"worker")), None)
            if command is not None:
                used[command] = used.get(command, 0.0) + (int(stat[11]) + int(stat[12])) / tick
    return used


SID, TOKEN, PUBLIC = "AC" + "b2" * 16, "bench-token", "https://bench.khaacho.test"


async def prepare_database(base_url: str, phones: list[str], name: str = "khaacho_bench") -> str:
    url = await fresh_database(base_url, name)
    conn = await connect(url)
    await conn.copy_records_to_table("users", columns=["phone", "name", "role"],
                                     records=[(p, f"Shop {i}", "retailer") for i, p in enumerate(phones)])
    await conn.execute("INSERT INTO retailers (user_id, credit_limit) SELECT id, 50000 FROM users")
    await conn.close()
    return url


async def reset(url: str, since: datetime | None = None) -> None:
    """Empty what a round leaves; with `since`, only rows from then on (rows stored before stay)."""
    conn = await asyncpg.connect(url)
    if since is None:
        await conn.execute("TRUNCATE inbound_messages, inbound_message_ids, outbound_messages, conversations CASCADE")
    else:
        for table, column in (("inbound_messages", "received_at"), ("inbound_message_ids", "received_at"),
                              ("outbound_messages", "created_at")):
            await conn.execute(f"DELETE FROM {table} WHERE {column} >= $1", since)
        await conn.execute("TRUNCATE conversations")
    await conn.close()


BARE_APP = """
import sys
from aiohttp import web
async def accept(request):
    await request.post()
    return web.Response(text="<Response></Response>", content_type="text/xml")
app = web.Application()
app.router.add_post("/webhooks/twilio", accept)
app.router.add_get("/health", lambda r: web.Response(text="ok"))
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


@contextlib.contextmanager
def bare_processes(count: int):  # type: ignore[no-untyped-def]
    """`count` bare aiohttp processes that accept the form and answer 200: the ceiling of this layout."""
    ports = [free_port() for _ in range(count)]
    procs = [subprocess.Popen([sys.executable, "-c", BARE_APP, str(p)]) for p in ports]
    try:
        for port in ports:
            for _ in range(100):
                with contextlib.suppress(OSError):
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
                    break
                time.sleep(0.1)
        yield ports
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()


async def bare_round(ports: list[int], phones: list[str], rate: int) -> dict[str, float]:
    """The same open-loop posts against the bare handler; latency is the webhook's answer time."""
    answered: list[float] = []
    connector = aiohttp.TCPConnector(limit=256)
    async with aiohttp.ClientSession(connector=connector) as http:
        async def post(i: int, phone: str) -> None:
            form = twilio_form(phone, "namaste")
            sent = time.monotonic()
            async with http.post(f"http://127.0.0.1:{ports[i % len(ports)]}/webhooks/twilio", data=form) as response:
                await response.read()
            answered.append(time.monotonic() - sent)

        start = time.monotonic()
        tasks = []
        for i, phone in enumerate(phones):
            delay = start + i * (1.0 / rate) - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(i, phone)))
        await asyncio.gather(*tasks)
        span = time.monotonic() - start
    answered.sort()
    return {"sustained_per_s": len(answered) / span, "p50_ms": 1000 * statistics.median(answered),
            "p99_ms": 1000 * answered[int(0.99 * (len(answered) - 1))]}


def write_config(base: Path, **sections: dict[str, Any]) -> Path:
    """A copy of the config file `base` with the given keys of each section set, in a folder of its own."""
    config = yaml.safe_load(base.read_text(encoding="utf-8"))
    for section, values in sections.items():
        config.setdefault(section, {}).update(values)
    path = Path(tempfile.mkdtemp(prefix="khaacho-bench-")) / "config.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


async def start_stub(url: str, redis_url: str, send_rate: float) -> tuple[web.AppRunner, TwilioStub, dict[str, str]]:
    """The Twilio stub on a free port, and the environment of `khaacho` processes that send to it."""
    stub = TwilioStub(SID, TOKEN)
    runner = web.AppRunner(stub.app(), access_log=None)
    await runner.setup()
    stub_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", stub_port).start()
    config_path = write_config(ROOT / "config.yml", outbox={"rate_per_sender": send_rate, "rate_total": send_rate})
    env = {"KHAACHO_CONFIG": str(config_path), "DATABASE_URL": url, "REDIS_URL": redis_url,
           "TWILIO_ACCOUNT_SID": SID,
           "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_API_BASE_URL": f"http://127.0.0.1:{stub_port}",
           "PUBLIC_BASE_URL": PUBLIC}
    return runner, stub, env
