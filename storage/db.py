"""The asyncpg pool and the SQL migrations that shape its database."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import asyncpg

MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)


async def _init_connection(conn: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await conn.set_type_codec(name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Pool connections are used only in transactions with transaction-scoped locks, so nothing of a
    session outlives its use: skip asyncpg's per-release RESET ALL / UNLISTEN round trip."""


async def create_pool(dsn: str, *, min_size: int = 2, max_size: int = 20) -> asyncpg.Pool:
    return await asyncpg.create_pool(dsn, min_size=min_size, max_size=max_size, init=_init_connection,
                                     reset=_keep_session)


async def connection_room(conn: asyncpg.Connection) -> tuple[int, int]:
    """(connections PostgreSQL takes from ordinary roles: max_connections less the superuser reserve,
    client connections open now): the two sides of the README's connection-pool math."""
    row = await conn.fetchrow(
        "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int"
        " AS most, (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend') AS used")
    return row["most"], row["used"]


async def connect(dsn: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(dsn)
    await _init_connection(conn)
    return conn


async def migrate(conn: asyncpg.Connection) -> list[str]:
    """Apply the migrations not yet recorded, in file-name order; return the names applied.

    An advisory lock keeps two processes starting at once from applying the same file twice.
    """
    applied: list[str] = []
    await conn.execute("SELECT pg_advisory_lock(7311)")
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["name"] for r in await conn.fetch("SELECT name FROM schema_migrations")}
        for path in sorted(MIGRATIONS.glob("*.sql")):
            if path.name in done:
                continue
            async with conn.transaction():
                await conn.execute(path.read_text(encoding="utf-8"))
                await conn.execute("INSERT INTO schema_migrations (name) VALUES ($1)", path.name)
            applied.append(path.name)
            log.info("migration applied", extra={"migration": path.name})
    finally:
        await conn.execute("SELECT pg_advisory_unlock(7311)")
    return applied
