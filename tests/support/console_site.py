"""The web console under test: the app on an emptied database with a retailer, a vendor and an admin."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

from bot.app import create_app
from bot.appkeys import RUNTIME
from bot.config import Config
from storage.clock import Clock
from storage.repos.users import UserRepository
from testing.database import reset_database

ADMIN, RETAILER, VENDOR = "+9779800000000", "+9779800000001", "+9779800000101"
CODE = re.compile(r"\b(\d{6})\b")


def console_config(config: Config, *, simulator: bool = True, time_travel: bool = False, **web: Any) -> Config:
    return dataclasses.replace(config, web=dataclasses.replace(config.web, simulator=simulator,
                                                               time_travel=time_travel, **web))


@asynccontextmanager
async def console_client(aiohttp_client: Callable[..., Awaitable[Any]], config: Config,
                         clock: Clock | None = None) -> AsyncIterator[Any]:
    client = await aiohttp_client(create_app(config, clock=clock))
    runtime = client.app[RUNTIME]
    await reset_database(runtime)
    async with runtime.pool.acquire() as conn:
        users = UserRepository(conn)
        await users.add_retailer(RETAILER, "Ram Kirana", Decimal(50000))
        await users.add_vendor(VENDOR, "Sita Traders")
        await users.upsert(ADMIN, "Ops Desk", "admin")
    yield client


async def last_code(client: Any, phone: str = ADMIN) -> str | None:
    """The code in the newest login message queued for `phone` (the outbox, before any sender)."""
    async with client.app[RUNTIME].pool.acquire() as conn:
        body = await conn.fetchval("SELECT body FROM outbound_messages WHERE recipient = $1 AND body LIKE '%console%'"
                                   " ORDER BY id DESC LIMIT 1", phone)
    match = CODE.search(body or "")
    return match.group(1) if match else None
