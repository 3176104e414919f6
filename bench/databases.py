"""A benchmark's own database: dropped, made afresh and migrated, beside whatever else the server holds."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from storage.db import connect, migrate
from storage.embedded import ensure_services

ROOT = Path(__file__).resolve().parent.parent


async def fresh_database(base_url: str, name: str) -> str:
    """Make database `name` anew on the server of `base_url`, with every migration; returns its URL."""
    admin = await asyncpg.connect(base_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = urlunsplit(urlsplit(base_url)._replace(path="/" + name))
    conn = await connect(url)
    try:
        await migrate(conn)
    finally:
        await conn.close()
    return url


async def bench_database(name: str) -> str:
    """`fresh_database(name)` on the servers of DATABASE_URL / REDIS_URL (embedded ones when unset)."""
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        services = ensure_services(ROOT / "var" / "bench")
        os.environ.setdefault("DATABASE_URL", services.database_url)
        os.environ.setdefault("REDIS_URL", services.redis_url)
    return await fresh_database(os.environ["DATABASE_URL"], name)
