"""Emptying the database between fixtures, and refusing to empty one that holds real data."""

from __future__ import annotations

import asyncpg

from bot.runtime import Runtime
from storage.db import connect

_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'"


async def wipe_refusal(database_url: str) -> str | None:
    """Why replaying must not empty this database, or None: it may (its name says test, or it holds
    no rows). Fixtures start by truncating every table."""
    conn = await connect(database_url)
    try:
        name = await conn.fetchval("SELECT current_database()")
        if "test" in name.lower():
            return None
        tables = [r["tablename"] for r in await conn.fetch(_TABLES)]
        holding = [t for t in tables if await conn.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{t}")')]
    finally:
        await conn.close()
    if not holding:
        return None
    return (f"refusing to replay: database {name!r} holds data ({len(holding)} tables with rows, e.g."
            f" {', '.join(sorted(holding)[:3])}) and replaying empties every table. Point DATABASE_URL at an"
            " empty database or one whose name contains 'test', or pass --yes-wipe to empty this one.")


async def reset_database(runtime: Runtime) -> None:
    """Empty every table (order numbers start again at 1001) and the runtime's Redis keys."""
    async with runtime.pool.acquire() as conn:
        tables = [r["tablename"] for r in await conn.fetch(_TABLES)]
        for attempt in range(5):
            # the catalogue follower's poll locks products and their aliases in another order than
            # TRUNCATE does: PostgreSQL may pick the TRUNCATE to break the deadlock; it is then redone
            try:
                await conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
                break
            except asyncpg.DeadlockDetectedError:
                if attempt == 4:
                    raise
        await conn.execute("ALTER SEQUENCE order_numbers RESTART WITH 1001")
    async for key in runtime.redis.scan_iter(match="khaacho:*"):
        await runtime.redis.delete(key)
