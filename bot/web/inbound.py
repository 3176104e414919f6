"""Taking an inbound message from a webhook: stored and scheduled, or spooled while PostgreSQL is down.

A process already handling MAX_IN_FLIGHT conversations, or with WAITING_ROUNDS rounds of its handling
slots already waiting, answers 503 with Retry-After at once (backpressure: the provider retries)
rather than queue for seconds. A message is answered 200
only once it is durable: in `inbound_messages`, or in the disk spool
(bot/spool.py) when the database does not answer. While anything is spooled, new messages join the
spool behind it, so each conversation keeps its order; a background task replays the spool every
second until it is empty.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import asyncpg
from aiohttp import web

from bot.appkeys import CONFIG, RUNTIME
from bot.channels.base import InboundMessage
from bot.config import ROOT
from bot.spool import Spool
from storage import metrics

log = logging.getLogger(__name__)
SPOOL = web.AppKey("spool", Spool)
STORE_TIMEOUT = 5.0     # Twilio gives up on a webhook after 15 s
REPLAY_EVERY = 1.0
# Conversations one process handles at once before webhooks get 503 + Retry-After (the providers
# retry): past this, queueing only turns into seconds of latency for everyone.
MAX_IN_FLIGHT = 256
WAITING_ROUNDS = 2      # conversations waiting for a handling slot, in multiples of the slots
RETRY_AFTER_S = 1
DATABASE_DOWN = (OSError, TimeoutError, asyncpg.PostgresConnectionError, asyncpg.exceptions.OperatorInterventionError,
                 asyncpg.InterfaceError, asyncpg.exceptions.TooManyConnectionsError)


async def accept(app: web.Application, message: InboundMessage) -> None:
    """Make `message` durable (database, else spool) and schedule its handling."""
    intake = app[RUNTIME].intake
    if intake.in_flight >= MAX_IN_FLIGHT or intake.waiting >= WAITING_ROUNDS * intake.slots:
        metrics.REJECTED.labels(message.provider).inc()
        raise web.HTTPServiceUnavailable(text="busy, try again", headers={"Retry-After": str(RETRY_AFTER_S)})
    spool = app[SPOOL]
    if not spool.has_pending():
        try:
            await _store(app, message)
            metrics.MESSAGES_RECEIVED.labels(message.provider).inc()
            return
        except DATABASE_DOWN as exc:
            log.warning("database unavailable for an inbound message", extra={"error": type(exc).__name__})
    await asyncio.to_thread(spool.put, message)
    metrics.MESSAGES_RECEIVED.labels(message.provider).inc()


async def _store(app: web.Application, message: InboundMessage) -> None:
    intake = app[RUNTIME].intake
    async with asyncio.timeout(STORE_TIMEOUT):
        stored = await intake.receive(message)
    if stored is not None:
        intake.schedule(message.phone)


async def replay(app: web.Application) -> int:
    """Store what the spool holds, oldest first; 0 while the database is still down."""
    return await app[SPOOL].replay(lambda message: _store(app, message), transient=DATABASE_DOWN)


async def _replayer(app: web.Application) -> None:
    while True:
        try:
            if app[SPOOL].has_pending():
                await replay(app)
        except Exception:  # the replayer must outlive anything (a full disk, a bug): it is the only one
            log.exception("spool replay failed")
        await asyncio.sleep(REPLAY_EVERY)


async def spool_ctx(app: web.Application) -> AsyncIterator[None]:
    folder = ROOT / app[CONFIG].web.spool_dir
    app[SPOOL] = Spool(folder)
    task = asyncio.create_task(_replayer(app))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
