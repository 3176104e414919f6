"""Faults under load: real `serve` and `worker` processes take signed webhooks from 50 conversations
while a fault comes and goes. Is any message lost, answered twice or answered out of order?

Two `khaacho serve` processes and one `khaacho worker` run against PostgreSQL and Redis through TCP
proxies and send to a local Twilio stub. 50 retailers each post "help" every --interval seconds
(under the per-sender inbound limit), one message at a time, to the servers in turn; a post that
fails is posted again with the same MessageSid to the other server. After --warmup seconds a fault
starts, lasts --seconds, is cleared; the stream goes on a little, then the bench waits until every
message answered 200 is handled. Per fault it prints: messages offered (answered 200), handled (and
their reply delivered), lost, replies duplicated, conversations out of order, the outbox rows left,
and the recovery time (from clearing the fault until every message answered before then was handled
and answered).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/faults.py [--faults "kill -9 serve mid-burst,twilio 500"] [--seconds 10]

PostgreSQL and Redis are "restarted" by cutting their proxy (open connections reset, new ones
refused) for --seconds: the PostgreSQL server here is shared, so it is not stopped. The faults are
the rows of FAULTS in tests/support/fault_stand.py. It works in its own database
(`khaacho_bench_faults`, made afresh) and Redis database 14.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.databases import fresh_database  # noqa: E402
from storage.embedded import ensure_services  # noqa: E402
from tests.support.fault_stand import FAULTS, outbox_left, run, stand  # noqa: E402

DATABASE = "khaacho_bench_faults"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--faults", default=",".join(f.name for f in FAULTS),
                        help="comma-separated fault names (default: all)")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long each fault lasts")
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--interval", type=float, default=4.0, help="seconds between a conversation's messages")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--drain-timeout", type=float, default=180.0)
    args = parser.parse_args()
    chosen = [f for f in FAULTS if f.name in args.faults.split(",")]
    services = ensure_services()
    url = await fresh_database(services.database_url, DATABASE)
    redis_url = urlunsplit(urlsplit(services.redis_url)._replace(path="/14"))
    folder = Path(tempfile.mkdtemp(prefix="khaacho-faults-"))
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; 2 serve + 1 worker; "
          f"{args.conversations} conversations, one message each every {args.interval:g} s "
          f"({args.conversations / args.interval:.1f} webhooks/s); faults last {args.seconds:g} s; logs in {folder}")
    header = (f"{'fault':<30} {'offered':>7} {'handled':>7} {'lost':>4} {'duplicated':>10} {'out of order':>12} "
              f"{'outbox left':>11} {'recovery s':>10}")
    print(header, flush=True)
    async with stand(url, redis_url, folder, ROOT / "config.yml", conversations=args.conversations) as s:
        for fault in chosen:
            row = await run(fault, s, seconds=args.seconds, warmup=args.warmup, interval=args.interval,
                            drain_timeout=args.drain_timeout)
            r = row.result
            recovery = f"{row.recovery:.1f}" if row.recovery is not None else "never"
            print(f"{row.fault:<30} {r.offered:>7} {r.handled:>7} {r.lost:>4} {r.duplicated:>10} "
                  f"{r.out_of_order:>12} {await outbox_left(url):>11} {recovery:>10}", flush=True)
    with contextlib.suppress(Exception):
        admin = await asyncpg.connect(services.database_url)
        await admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
