"""Growth: the end-to-end webhook benchmark on empty tables, then with 10,000,000 stored rows.

The same `serve` + `worker` processes run three rounds of signed greetings at one offered rate
(bench/webhook_load.py's round): on empty message tables, after filling inbound_messages,
outbound_messages and the audit log with `--rows` rows spread over the past 12 months (server-side
generate_series, then VACUUM ANALYZE and a CHECKPOINT), and on empty tables again (the filler truncated) so a drift
of the machine's load shows. It prints each round and the ratio of the full round to the mean of
the empty ones (goal: within 10 %).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/partition_growth.py [--rows 10000000] [--rate 500] [--seconds 6]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load_common import prepare_database, reset, start_stub  # noqa: E402
from bench.webhook_load import one_round  # noqa: E402
from domain.retention import month_start  # noqa: E402
from storage.embedded import ensure_services  # noqa: E402
from tests.support.processes import khaacho_processes  # noqa: E402

# inbound : outbound : audit = 4 : 4 : 2
SHARES = {"inbound_messages": 0.4, "outbound_messages": 0.4, "audit_log": 0.2}
FILL = {
    "inbound_messages": (
        "INSERT INTO inbound_messages (provider, provider_id, phone, body, status, received_at, handled_at)"
        " SELECT 'twilio', 'SMfill' || i, '+97797' || lpad((i % 200000)::text, 8, '0'), 'chini 2 kg, tel 1 l',"
        " 'done', $2::timestamptz - (i * $3::float8) * interval '1 second',"
        " $2::timestamptz - (i * $3::float8) * interval '1 second' FROM generate_series($4::bigint, $1::bigint) i"),
    "outbound_messages": (
        "INSERT INTO outbound_messages (recipient, body, status, next_attempt_at, created_at, sent_at, provider_sid)"
        " SELECT '+97797' || lpad((i % 200000)::text, 8, '0'), 'Namaste! Your order is noted.', 'sent',"
        " $2::timestamptz - (i * $3::float8) * interval '1 second', $2::timestamptz - (i * $3::float8)"
        " * interval '1 second', $2::timestamptz - (i * $3::float8) * interval '1 second', 'SMout' || i"
        " FROM generate_series($4::bigint, $1::bigint) i"),
    "audit_log": (
        "INSERT INTO audit_log (actor, action, subject, at) SELECT 'ops', 'order.status', 'order #' || i,"
        " $2::timestamptz - (i * $3::float8) * interval '1 second' FROM generate_series($4::bigint, $1::bigint) i"),
}
BATCH = 500_000


async def fill(url: str, rows: int, before: datetime) -> float:
    """`rows` rows over the 12 months before `before`; seconds taken."""
    started = time.monotonic()
    span = (before - month_start(before, 11)).total_seconds()
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("SELECT ensure_month_partitions(t, $1, $2) FROM unnest($3::text[]) t",
                           month_start(before, 11), before, list(SHARES))
        for table, share in SHARES.items():
            count = int(rows * share)
            step = span / count
            for first in range(1, count + 1, BATCH):
                await conn.execute(FILL[table], min(count, first + BATCH - 1), before, step, first)
            if table == "inbound_messages":
                await conn.execute("INSERT INTO inbound_message_ids (provider, provider_id, received_at)"
                                   " SELECT provider, provider_id, received_at FROM inbound_messages")
            print(f"  {table}: {count:,} rows ({time.monotonic() - started:.0f} s)", flush=True)
        await conn.execute("VACUUM ANALYZE inbound_messages, inbound_message_ids, outbound_messages, audit_log")
        await conn.execute("CHECKPOINT")  # the fill's write-back is not the hot path's cost
    finally:
        await conn.close()
    return time.monotonic() - started


async def stored(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return sum([await conn.fetchval(f"SELECT count(*) FROM {t}") for t in SHARES])
    finally:
        await conn.close()


async def empty_audit(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("TRUNCATE audit_log")
    finally:
        await conn.close()


def show(label: str, rows: int, r: dict[str, float]) -> None:
    print(f"{label:>12} {rows:>11,} {r['posted']:>6} {r['refused']:>5} {r['delivered']:>6} {r['lost']:>4} "
          f"{r['answered_twice']:>5} {r['sustained_per_s']:>11.1f} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} "
          f"{os.getloadavg()[0]:>5.1f}", flush=True)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--rate", type=int, default=500, help="offered greetings/s (above capacity: it measures it)")
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--send-rate", type=float, default=2000.0)
    args = parser.parse_args()
    services = ensure_services()
    count = int(args.rate * args.seconds)
    phones = [f"+97798{i:08d}" for i in range(count * 3)]
    url = await prepare_database(services.database_url, phones, name="khaacho_bench_growth")
    runner, stub, env = await start_stub(url, services.redis_url, args.send_rate)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; offered {args.rate}/s for"
          f" {args.seconds:.0f} s per round; 1 serve + 1 worker")
    header = (f"{'tables':>12} {'stored rows':>11} {'posted':>6} {'503':>5} {'deliv':>6} {'lost':>4} {'twice':>5} "
              f"{'sustained/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'load':>5}")
    results: dict[str, dict[str, float]] = {}
    logs = Path(tempfile.mkdtemp(prefix="khaacho-bench-"))
    with khaacho_processes(env, servers=1, workers=1, log_dir=logs) as ports:
        await asyncio.sleep(1.0)
        print(header)
        await reset(url)
        before = await stored(url)
        results["empty"] = await one_round(ports, stub, phones[:count], args.rate)
        show("empty", before, results["empty"])
        await reset(url)
        started = datetime.now(UTC) - timedelta(minutes=1)  # filler ends here; rounds' rows come after
        print(f"filling {args.rows:,} rows ...", flush=True)
        took = await fill(url, args.rows, started)
        print(f"filled in {took:.0f} s", flush=True)
        print(header)
        await reset(url, since=started)
        before = await stored(url)
        results["full"] = await one_round(ports, stub, phones[count:2 * count], args.rate)
        show("filled", before, results["full"])
        await reset(url)
        await empty_audit(url)
        await asyncio.sleep(1.0)
        before = await stored(url)
        results["empty again"] = await one_round(ports, stub, phones[2 * count:], args.rate)
        show("empty again", before, results["empty again"])
    await runner.cleanup()
    empty = (results["empty"]["sustained_per_s"] + results["empty again"]["sustained_per_s"]) / 2
    empty_p50 = (results["empty"]["p50_ms"] + results["empty again"]["p50_ms"]) / 2
    full = results["full"]
    print(f"sustained: full {full['sustained_per_s']:.1f}/s, empty (mean of both) {empty:.1f}/s,"
          f" ratio {full['sustained_per_s'] / empty:.3f}; p50 full {full['p50_ms']:.1f} ms,"
          f" empty {empty_p50:.1f} ms, ratio {full['p50_ms'] / empty_p50:.3f}")
    print(f"process logs: {logs}")


if __name__ == "__main__":
    asyncio.run(main())
