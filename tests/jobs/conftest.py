"""Job tests: a burst arq worker on the test Redis, jobs reading the ctx a LocalSession builds."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from arq.connections import RedisSettings, create_pool
from arq.worker import Worker

from bot.local import LocalSession
from bot.runtime import Runtime


async def run_burst(runtime: Runtime, functions: Sequence[Callable[..., Any]], *jobs: str | tuple[Any, ...],
                    session: LocalSession | None = None) -> list[Any]:
    """Enqueue `jobs` (a name, or (name, *args)), run a burst worker until the queue is empty, and
    return each job's result. Raises when a job failed."""
    settings = RedisSettings.from_dsn(os.environ["REDIS_URL"])
    queue = f"khaacho:test:{uuid.uuid4().hex}"
    pool = await create_pool(settings, default_queue_name=queue)
    session = session or LocalSession(runtime)
    try:
        enqueued = []
        for job in jobs:
            name, *args = (job,) if isinstance(job, str) else job
            enqueued.append(await pool.enqueue_job(name, *args))
        worker = Worker(functions=list(functions), queue_name=queue, redis_pool=pool, burst=True,
                        ctx=session.job_context(), handle_signals=False, poll_delay=0.01, max_tries=1)
        await worker.main()
        results = [await job.result(poll_delay=0.01) for job in enqueued if job is not None]
        await worker.close()
        return results
    finally:
        await pool.aclose()
