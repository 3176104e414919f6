"""The web app under test with one retailer, and the worker's sending loop running beside it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

from bot.app import create_app
from bot.appkeys import RUNTIME
from bot.config import Config
from bot.worker import make_outbox, make_sender
from storage.repos.users import UserRepository
from testing.database import reset_database


@asynccontextmanager
async def serving(aiohttp_client: Callable[..., Awaitable[Any]], config: Config,
                  retailer: tuple[str, str]) -> AsyncIterator[Any]:
    """A test client of the app on an emptied database with `retailer` (phone, name) registered;
    `client.outbox` sends what handlers queue, as the worker would, until the block ends."""
    client = await aiohttp_client(create_app(config))
    runtime = client.app[RUNTIME]
    await reset_database(runtime)
    async with runtime.pool.acquire() as conn:
        await UserRepository(conn).add_retailer(retailer[0], retailer[1], Decimal(50000))
    sender = make_sender(config)
    client.outbox = make_outbox(runtime, sender)
    stop = asyncio.Event()

    async def pump() -> None:
        while not stop.is_set():
            await client.outbox.drain()
            await asyncio.sleep(0.02)

    task = asyncio.create_task(pump())
    try:
        yield client
    finally:
        stop.set()
        await task
        await sender.close()
