"""HTTP fuzzing against a real `khaacho serve`: malformed requests to every public route.

Sends `--requests` requests from tests/support/http_fuzz.py (random and truncated bodies, wrong
content types, bad UTF-8, duplicated and missing fields, NumMedia against the MediaUrl fields, deeply
nested JSON, a 10 MB body every `--big-every`; most webhook posts signed with the server's secrets)
and prints the count per status code and per route, the 5xx count, whether the process is alive,
and its resident memory at the start (after a warm-up) and at the end.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/fuzz_http.py [--requests 100000] [--concurrency 16] [--seed 1]

It works in a database of its own (`khaacho_fuzz`), made afresh. Exit status 1 on any 5xx or crash.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.databases import fresh_database  # noqa: E402
from services import UnitOfWork  # noqa: E402
from services.ops.apikeys import create_key  # noqa: E402
from storage.db import connect, create_pool  # noqa: E402
from storage.embedded import ensure_services  # noqa: E402
from tests.support.http_fuzz import FuzzKeys, RequestFuzzer, fire  # noqa: E402
from tests.support.processes import khaacho_processes  # noqa: E402

SID, TOKEN, META_SECRET, PUBLIC = "AC" + "c3" * 16, "fuzz-token", "fuzz-meta-secret", "https://fuzz.khaacho.test"
RETAILER, ADMIN = "+9779800000001", "+9779800000000"


async def prepare_database(base_url: str) -> tuple[str, str]:
    """A fresh `khaacho_fuzz` database with one retailer; its URL and an API key."""
    url = await fresh_database(base_url, "khaacho_fuzz")
    conn = await connect(url)
    user_id = await conn.fetchval("INSERT INTO users (phone, name, role) VALUES ($1, 'Ram Kirana', 'retailer') "
                                  "RETURNING id", RETAILER)
    await conn.execute("INSERT INTO retailers (user_id, credit_limit) VALUES ($1, 50000)", user_id)
    await conn.close()
    pool = await create_pool(url, min_size=1, max_size=1)
    async with UnitOfWork(pool) as uow:
        _, key = await create_key(uow, "fuzz", datetime.now(UTC))
    await pool.close()
    return url, key


def serve_pid(port: int) -> int:
    """The pid of the `khaacho serve` listening on `port` (found by its command line)."""
    wanted = f"serve\0--port\0{port}\0".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if wanted in (entry / "cmdline").read_bytes():
                    return int(entry.name)
            except OSError:
                continue
    raise RuntimeError(f"no serve process on port {port}")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def blast(base: str, fuzzer: RequestFuzzer, count: int, concurrency: int,
                statuses: Counter[int], by_kind: Counter[tuple[str, int]], samples: list[str]) -> None:
    remaining = iter(range(count))
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        async def lane() -> None:
            for _ in remaining:
                request = fuzzer.next()
                status = await fire(http, base, request)
                statuses[status] += 1
                by_kind[(request.kind, status)] += 1
                if (status >= 500 or (status == 0 and request.kind != "big")) and len(samples) < 10:
                    samples.append(f"{status} {request.method} {request.path[:120]!r} {request.body[:200]!r}")
        await asyncio.gather(*(lane() for _ in range(concurrency)))


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=2000, help="requests before the starting RSS is read")
    parser.add_argument("--big-every", type=int, default=2000, help="a 10 MB body every this many requests")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    services = ensure_services()
    url, key = await prepare_database(services.database_url)
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config["channels"]["meta"]["enabled"] = True
    config["outbox"].update(rate_per_sender=1_000_000, rate_total=1_000_000)
    folder = Path(tempfile.mkdtemp(prefix="khaacho-fuzz-"))
    (folder / "config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {"KHAACHO_CONFIG": str(folder / "config.yml"), "DATABASE_URL": url, "REDIS_URL": services.redis_url,
           "TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_API_BASE_URL": "http://127.0.0.1:9",
           "PUBLIC_BASE_URL": PUBLIC, "META_APP_SECRET": META_SECRET, "META_VERIFY_TOKEN": "fuzz-verify",
           "KHAACHO_SECRET_KEY": "fuzz-link-secret"}
    fuzzer = RequestFuzzer(random.Random(args.seed), FuzzKeys(TOKEN, PUBLIC, META_SECRET, key, [RETAILER, ADMIN]),
                           big_every=args.big_every)
    statuses: Counter[int] = Counter()
    by_kind: Counter[tuple[str, int]] = Counter()
    samples: list[str] = []
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; seed {args.seed}; "
          f"{args.requests} requests, {args.concurrency} at a time; logs in {folder}", flush=True)
    with khaacho_processes(env, servers=1, workers=0, log_dir=folder) as (port,):
        pid, base = serve_pid(port), f"http://127.0.0.1:{port}"
        rss_boot = rss_mb(pid)
        warmup = min(args.warmup, args.requests)
        await blast(base, fuzzer, warmup, args.concurrency, statuses, by_kind, samples)
        rss_start = rss_mb(pid)
        started = time.monotonic()
        await blast(base, fuzzer, args.requests - warmup, args.concurrency, statuses, by_kind, samples)
        elapsed = time.monotonic() - started
        await asyncio.sleep(2.0)  # background handling of the last messages settles
        alive = Path(f"/proc/{pid}").exists()
        rss_end = rss_mb(pid) if alive else float("nan")
        async with aiohttp.ClientSession() as http, http.get(f"{base}/health") as response:
            health = response.status
    server_errors = sum(n for s, n in statuses.items() if s >= 500)
    dropped = sum(n for (kind, s), n in by_kind.items() if s == 0 and kind != "big")
    print(f"requests: {sum(statuses.values())} in {elapsed:.0f} s after warm-up "
          f"({(args.requests - warmup) / elapsed:.0f}/s)")
    print("per status: " + ", ".join(f"{s or 'dropped'}: {n}" for s, n in sorted(statuses.items())))
    kinds = sorted({k for k, _ in by_kind})
    for kind in kinds:
        row = ", ".join(f"{s or 'dropped'}: {n}" for (k, s), n in sorted(by_kind.items()) if k == kind)
        print(f"  {kind:<14} {row}")
    print(f"5xx: {server_errors}; connections dropped outside 10 MB bodies: {dropped}")
    print(f"process alive: {alive}; /health after: {health}")
    print(f"RSS MB: at boot {rss_boot:.1f}, after {warmup} warm-up requests {rss_start:.1f}, "
          f"at end {rss_end:.1f} ({rss_end - rss_start:+.1f})")
    for line in samples:
        print("  sample:", line)
    return 0 if server_errors == 0 and dropped == 0 and alive else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
