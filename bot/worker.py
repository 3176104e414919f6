"""The arq worker: job functions from jobs/, their schedule, and the clients they share in ctx."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from datetime import timedelta
from typing import Any

import asyncpg
from arq import cron
from arq.connections import RedisSettings
from arq.worker import Worker, get_kwargs
from prometheus_client import start_http_server
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.channels.console import ConsoleSender, LocalSender, delivers_to_console
from bot.channels.meta_sender import MetaSender
from bot.channels.twilio import TwilioSender
from bot.config import Config, load_config
from bot.runtime import start_runtime
from jobs.heartbeat import heartbeat
from jobs.outbox import OutboxSender, send_outbox
from jobs.schedule import PERIODIC
from storage import metrics
from storage.ratelimit import RateLimiter
from storage.redis_connection import RedisTarget

log = logging.getLogger(__name__)


def make_sender(config: Config) -> TwilioSender | MetaSender | ConsoleSender:
    """The outbox's provider, chosen by `channels.outbound`; the log when Twilio has no credentials."""
    s = config.secrets
    if delivers_to_console(config):
        log.warning("TWILIO_AUTH_TOKEN is not set: replies are delivered to this log, not to WhatsApp")
        return ConsoleSender()
    if config.channels.outbound == "meta":
        return MetaSender(s.meta_access_token, s.meta_phone_number_id, s.meta_api_base_url)
    callback = s.public_base_url.rstrip("/") + "/webhooks/twilio/status" if s.public_base_url else None
    return TwilioSender(s.twilio_account_sid, s.twilio_auth_token, s.twilio_from_number,
                        s.twilio_api_base_url, status_callback=callback)


def make_outbox(runtime: Any, sender: Any) -> OutboxSender:
    cfg = runtime.config.outbox
    secrets = runtime.config.secrets
    meta = runtime.config.channels.outbound == "meta"
    from_number = secrets.meta_phone_number_id if meta else secrets.twilio_from_number
    limiter = RateLimiter(runtime.redis, {from_number: cfg.rate_per_sender, "total": cfg.rate_total})
    templates = runtime.config.templates
    return OutboxSender(runtime.pool, sender, runtime.clock, limiter=limiter,
                        max_tries=cfg.max_tries, batch_size=cfg.batch_size, texts=runtime.texts,
                        redis=runtime.redis, channel=window_channel(runtime.config, sender),
                        templates=templates.messages, fallback_language=templates.fallback_language,
                        held_for=cfg.held_for)


def window_channel(config: Config, sender: Any) -> str | None:
    """The provider whose 24-hour window the outbox keeps to; None when it delivers to this machine."""
    return None if isinstance(sender, LocalSender) else config.channels.outbound


async def outbox_pump(ctx: dict[str, Any], *, max_backoff: float = 15.0) -> None:
    """Send as soon as a handler commits an outbox row (LISTEN/NOTIFY), and at least every second.

    Nothing but cancellation ends it: any failure (the database, Redis, the provider, a bug) is
    logged and tried again after a growing pause; /health reports rows that wait meanwhile.
    """
    wake = asyncio.Event()
    listener: asyncpg.Connection | None = None
    failures = 0
    try:
        while True:
            try:
                if listener is None or listener.is_closed():
                    listener = None
                    listener = await asyncpg.connect(ctx["config"].secrets.database_url, timeout=5)
                    await listener.add_listener("outbox", lambda *_: wake.set())
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=1.0)
                wake.clear()
                await ctx["outbox"].drain()
                failures = 0
            except Exception as exc:
                failures += 1
                pause = min(max_backoff, 0.5 * 2 ** min(failures, 10))
                log.error("outbox pump failed, trying again", exc_info=True,
                          extra={"error": f"{type(exc).__name__}: {exc}", "failures": failures, "retry_in": pause})
                await asyncio.sleep(pause)
    finally:
        if listener is not None and not listener.is_closed():
            await listener.close()


async def startup(ctx: dict[str, Any]) -> None:
    config = load_config()
    runtime = await start_runtime(config)
    sender = make_sender(config)
    ctx.update(config=config, runtime=runtime, pool=runtime.pool, clock=runtime.clock,
               intake=runtime.intake, sender=sender, outbox=make_outbox(runtime, sender))
    if config.metrics.worker_port:
        start_http_server(config.metrics.worker_port)
    await heartbeat(ctx)
    ctx["pump"] = asyncio.create_task(outbox_pump(ctx))


async def shutdown(ctx: dict[str, Any]) -> None:
    pump = ctx.get("pump")
    if pump:
        pump.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pump
    if "sender" in ctx:
        await ctx["sender"].close()
    if "runtime" in ctx:
        await ctx["runtime"].close()
    metrics.process_exited()


def counted(func: Any) -> Any:
    """`func` as an arq job whose runs are counted by outcome in `khaacho_jobs`."""

    @functools.wraps(func)
    async def run(ctx: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        try:
            result = await func(ctx, *args, **kwargs)
        except Exception:
            metrics.JOBS.labels(func.__name__, "failed").inc()
            raise
        metrics.JOBS.labels(func.__name__, "ok").inc()
        return result

    return run


def _cron_seconds(every: timedelta) -> dict[str, Any]:
    """arq cron arguments that fire every `every` (seconds, minutes or hours that divide evenly)."""
    seconds = int(every.total_seconds())
    if seconds < 60:
        return {"second": set(range(0, 60, seconds))}
    if seconds < 3600:
        return {"minute": set(range(0, 60, seconds // 60)), "second": {0}}
    return {"hour": set(range(0, 24, seconds // 3600)), "minute": {0}, "second": {0}}


class ResilientWorker(Worker):
    """arq's worker, except that Redis going away pauses the polling instead of ending the process
    (arq lets a ConnectionError out of its poll loop: the worker, its outbox pump with it, exits)."""

    redis_retry_every = 1.0

    async def _poll_iteration(self) -> None:
        try:
            await super()._poll_iteration()
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            log.warning("redis unavailable; polling again shortly", extra={"error": f"{type(exc).__name__}: {exc}"})
            await asyncio.sleep(self.redis_retry_every)


def run(target: RedisTarget) -> None:
    ResilientWorker(**get_kwargs(settings(target))).run()


def arq_redis_settings(target: RedisTarget) -> RedisSettings:
    """arq's connection settings: REDIS_URL, or the master that the sentinels in REDIS_SENTINELS name."""
    if not target.sentinels:
        return RedisSettings.from_dsn(target.url or "redis://127.0.0.1:6379/0")
    return RedisSettings(host=target.sentinels, sentinel=True, sentinel_master=target.master,
                         database=target.database, username=target.username, password=target.password)


def settings(target: RedisTarget) -> type:
    """arq's WorkerSettings for this deployment."""

    class WorkerSettings:
        functions = [counted(send_outbox), *(counted(job.func) for job in PERIODIC)]
        cron_jobs = [cron(counted(job.func), name=f"cron:{job.name}", unique=True, run_at_startup=False,
                          **_cron_seconds(job.every)) for job in PERIODIC]
        on_startup = startup
        on_shutdown = shutdown
        redis_settings = arq_redis_settings(target)
        keep_result = 60
        handle_signals = True

    return WorkerSettings
