"""Real PostgreSQL and Redis for the tests: the ones in DATABASE_URL / REDIS_URL, else embedded.

Each test session gets a database of its own (`khaacho_test_<pid>`, made afresh and dropped at the
end, so several sessions may run at once) and Redis database 15 (`KHAACHO_TEST_REDIS_DB`), so running
the suite never touches the data of a running product.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import redis

from storage.embedded import ensure_services

TEST_DB = f"khaacho_test_{os.getpid()}"
# Several sessions at once need a Redis database each: the replay runner empties khaacho:* keys.
TEST_REDIS_DB = int(os.environ.get("KHAACHO_TEST_REDIS_DB", "15"))


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _redis_test_url(url: str) -> str:
    if url.startswith("unix://"):
        return url.split("?")[0] + f"?db={TEST_REDIS_DB}"
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{TEST_REDIS_DB}"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def _recreate(admin_url: str, name: str) -> None:
    """Make `name` afresh, and drop the databases of test sessions that died without cleaning up."""
    conn = await asyncpg.connect(admin_url)
    try:
        for row in await conn.fetch("SELECT datname FROM pg_database WHERE datname LIKE 'khaacho_test_%'"):
            suffix = row["datname"].rsplit("_", 1)[1]
            if row["datname"] == name or (suffix.isdigit() and not _alive(int(suffix))):
                await conn.execute(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _drop(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def prepare_test_services(root: Path) -> tuple[str, str]:
    """Start or find the services, make a fresh test database; returns (database_url, redis_url)."""
    services = ensure_services(root / "var" / "test")
    database_url = _with_database(services.database_url, TEST_DB)
    asyncio.run(_recreate(services.database_url, TEST_DB))
    redis_url = _redis_test_url(services.redis_url)
    redis.Redis.from_url(redis_url).ping()
    os.environ["DATABASE_URL"], os.environ["REDIS_URL"] = database_url, redis_url
    os.environ["KHAACHO_TEST_ADMIN_URL"] = services.database_url
    return database_url, redis_url


def drop_test_database() -> None:
    admin_url = os.environ.get("KHAACHO_TEST_ADMIN_URL")
    if admin_url:
        asyncio.run(_drop(admin_url, TEST_DB))
