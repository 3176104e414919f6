"""Real PostgreSQL and Redis for the tests: the ones in DATABASE_URL / REDIS_URL, else embedded.

Tests get a database of their own (`khaacho_test`, made afresh each session) and Redis database 15,
so running the suite never touches the data of a running product.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import redis

from storage.embedded import ensure_services

TEST_DB = "khaacho_test"
TEST_REDIS_DB = 15


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _redis_test_url(url: str) -> str:
    if url.startswith("unix://"):
        return url.split("?")[0] + f"?db={TEST_REDIS_DB}"
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{TEST_REDIS_DB}"))


async def _recreate(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def prepare_test_services(root: Path) -> tuple[str, str]:
    """Start or find the services, make a fresh test database; returns (database_url, redis_url)."""
    services = ensure_services(root / "var" / "test")
    database_url = _with_database(services.database_url, TEST_DB)
    asyncio.run(_recreate(services.database_url, TEST_DB))
    redis_url = _redis_test_url(services.redis_url)
    redis.Redis.from_url(redis_url).flushdb()
    os.environ["DATABASE_URL"], os.environ["REDIS_URL"] = database_url, redis_url
    return database_url, redis_url
