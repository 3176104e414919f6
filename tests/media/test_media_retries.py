"""A media download that fails for a passing reason is tried again later, not at once: bounded
exponential backoff between attempts, then given up after MAX_TRIES."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from jobs.media import MAX_TRIES, RETRY_BASE, RETRY_CAP, process_media
from storage.repos.inbox import InboxRepository
from storage.repos.media import MediaJobRepository
from storage.repos.outbox import backoff
from tests.conftest import make_config
from tests.support.cloud_stubs import serve

PHONE = "+9779800000031"


async def test_failed_downloads_wait_longer_each_time_and_then_give_up(runtime) -> None:
    hits: list[str] = []

    async def media(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.Response(status=503)  # Twilio's media store is having a moment

    app = web.Application()
    app.router.add_get("/{tail:.*}", media)
    runner, base = await serve(app)
    try:
        config = make_config(TWILIO_API_BASE_URL=base)
        clock = runtime.clock
        async with runtime.pool.acquire() as conn:
            inbound = await InboxRepository(conn).add(
                provider="twilio", provider_id="MM-retry", phone=PHONE, body="", media=[], profile_name=None,
                payload={}, received_at=clock.now())
            job_id = await MediaJobRepository(conn).add(inbound, PHONE, "image", f"{base}/media/list.png",
                                                        "image/png", clock.now())
        ctx = {"config": config, "pool": runtime.pool, "clock": clock, "runtime": runtime, "intake": runtime.intake}
        assert await process_media(ctx) == 0
        assert len(hits) == 1, "one attempt per due time, not MAX_TRIES in a row"
        waits = [backoff(n, RETRY_BASE, RETRY_CAP) for n in range(1, MAX_TRIES)]
        assert waits == sorted(waits) and waits[0] >= timedelta(seconds=5) and all(w <= RETRY_CAP for w in waits)
        for attempt, wait in enumerate(waits, start=2):
            clock.advance(wait - timedelta(seconds=1))
            await process_media(ctx)
            assert len(hits) == attempt - 1, "not before its time"
            clock.advance(timedelta(seconds=1))
            await process_media(ctx)
            assert len(hits) == attempt
        async with runtime.pool.acquire() as conn:
            job = await MediaJobRepository(conn).get(job_id)
        assert job is not None and job.status == "failed" and job.attempts == MAX_TRIES
    finally:
        await runner.cleanup()
