"""Fuzz the whole message path: thousands of random messages, every one handled and answered.

A seeded stream (tests/support/pipeline_fuzz.py) of corpus texts, slash commands with random
arguments, vendor replies with hostile numbers, long lists and repeated words, from retailers,
vendors, an admin and unknown numbers, goes through intake → dispatcher → handlers → outbox. It
prints messages, handled, failed, unanswered, replies and invariant violations (all but messages,
handled and replies must be 0), and the messages per second.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/fuzz_pipeline.py [--messages 5000] [--seed 1]

It works in a database of its own (`khaacho_bench_fuzz`), made afresh.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.databases import bench_database  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.local import LocalSession  # noqa: E402
from bot.runtime import start_runtime  # noqa: E402
from storage.clock import FakeClock  # noqa: E402
from testing.database import reset_database  # noqa: E402
from tests.support.pipeline_fuzz import cast, local_deliver, run_fuzz  # noqa: E402

DATABASE = "khaacho_bench_fuzz"


async def main(messages: int, seed: int) -> int:
    url = await bench_database(DATABASE)
    env = {**os.environ, "DATABASE_URL": url, "TWILIO_ACCOUNT_SID": "AC" + "c3" * 16,
           "TWILIO_AUTH_TOKEN": "bench-token", "TWILIO_FROM_NUMBER": "+14155238886"}
    runtime = await start_runtime(load_config(env=env), clock=FakeClock(), pool_size=4, nlu_check_every=0)
    try:
        await reset_database(runtime)
        await cast(runtime)
        session = LocalSession(runtime)
        started = time.perf_counter()
        result = await run_fuzz(runtime, local_deliver(session), messages, seed)
        elapsed = time.perf_counter() - started
    finally:
        await runtime.close()
    for line in result.lines():
        print(line)
    print(f"messages/s {messages / elapsed:.1f} ({elapsed:.1f} s)")
    return 0 if not (result.failed or result.unanswered or result.violations) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    sys.exit(asyncio.run(main(options.messages, options.seed)))
