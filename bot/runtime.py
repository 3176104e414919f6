"""Wiring in one place: the pool, Redis, the NLU, the dispatcher and the intake a process shares."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import redis.asyncio as aioredis

import handlers
from bot.config import Config
from bot.dispatcher import Dispatcher
from bot.intake import Intake
from bot.nlu_service import NluService
from services.bootstrap import unit_of_work
from services.texts import Texts, default_texts
from storage.clock import Clock, ShiftedClock, SystemClock
from storage.clock_offset import follow, read_offset
from storage.db import connection_room, create_pool, migrate
from storage.link_key import stored_link_key
from storage.redis_connection import connect_redis
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    config: Config
    pool: asyncpg.Pool
    redis: aioredis.Redis
    clock: Clock
    texts: Texts
    nlu: NluService
    dispatcher: Dispatcher
    intake: Intake
    extras: dict[str, Any] = field(default_factory=dict)
    read_pool: asyncpg.Pool | None = None  # DATABASE_READ_URL's pool: the dashboard, /stats and exports read here

    @property
    def reads(self) -> asyncpg.Pool:
        return self.read_pool or self.pool

    async def close(self) -> None:
        follower = self.extras.pop("clock_follower", None)
        if follower is not None:
            follower.cancel()
        await self.intake.drain()
        await self.nlu.close()
        await self.redis.aclose()
        if self.read_pool is not None and self.read_pool is not self.pool:
            await self.read_pool.close()
        await self.pool.close()


async def sync_admins(pool: asyncpg.Pool, config: Config) -> None:
    """Admins listed in config.yml exist as admin users; one removed from it is no longer an admin."""
    async with UnitOfWork(pool) as uow:
        removed = await uow.users.sync_config_admins([(a.phone, a.name) for a in config.admins])
    for phone in removed:
        log.warning("admin …%s is no longer in config.yml: deactivated", phone[-4:])


async def with_link_key(pool: asyncpg.Pool, config: Config, clock: Clock) -> Config:
    """`config` whose download-link key is KHAACHO_SECRET_KEY, else the one stored in the database
    (never a provider's token: rotating Twilio's must not break links, nor a link reveal it)."""
    if config.secrets.khaacho_secret_key:
        return config
    async with pool.acquire() as conn:
        key = await stored_link_key(conn, clock.now())
    return dataclasses.replace(config, secrets=dataclasses.replace(config.secrets, khaacho_secret_key=key))


async def warn_if_pool_too_large(pool: asyncpg.Pool, pool_size: int) -> None:
    """Log when this pool could not fill up beside the connections PostgreSQL already serves: past
    max_connections the last processes to start get TooManyConnectionsError under load, not at start."""
    async with pool.acquire() as conn:
        most, used = await connection_room(conn)
    if pool_size > most - used + pool.get_size():  # this pool's open connections are counted in used
        log.warning("database.pool_size %d is more than PostgreSQL has free (max_connections %d, %d in use):"
                    " lower it, raise max_connections or put PgBouncer in front", pool_size, most, used)


async def start_runtime(config: Config, *, clock: Clock | None = None, pool_size: int | None = None,
                        nlu_check_every: float = 5.0) -> Runtime:
    """The process's services; `pool_size` defaults to config.yml's database.pool_size."""
    secrets = config.secrets
    if not secrets.database_url or not (secrets.redis_url or secrets.redis_sentinels):
        raise RuntimeError("DATABASE_URL and REDIS_URL must be set (or use the embedded services)")
    pool_size = pool_size or config.database.pool_size
    pool = await create_pool(secrets.database_url, max_size=pool_size)
    await warn_if_pool_too_large(pool, pool_size)
    read_pool = (await create_pool(secrets.database_read_url, min_size=1, max_size=max(2, pool_size // 4))
                 if secrets.database_read_url else pool)
    async with pool.acquire() as conn:
        await migrate(conn)
    await sync_admins(pool, config)
    redis = connect_redis(secrets.redis_target)
    extras: dict[str, Any] = {}
    if clock is None and config.web.time_travel:  # the demo: a clock the simulator may move on
        clock = ShiftedClock(await read_offset(redis))
        extras["clock_follower"] = asyncio.create_task(follow(redis, clock))
    clock = clock or SystemClock()
    config = await with_link_key(pool, config, clock)
    nlu = await NluService.load(pool, config, check_every=nlu_check_every)
    await nlu.follow(pool, secrets.database_url)
    texts = default_texts()

    def parse(text: str) -> Any:
        return nlu.parse(text)

    dispatcher = Dispatcher(handlers.routers(), config=config, texts=texts, clock=clock, parse=parse,
                            understand=nlu.understand if nlu.backend else None,
                            services={"nlu": nlu, "redis": redis,
                                      "reads": lambda: unit_of_work(read_pool, texts, clock, config)})
    intake = Intake(pool, dispatcher, clock, before_handling=lambda: nlu.refresh(pool))
    return Runtime(config, pool, redis, clock, texts, nlu, dispatcher, intake, extras, read_pool)
