"""A benchmark's own database: dropped, made afresh and migrated, beside whatever else the server holds."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import asyncpg

from storage.db import connect, migrate


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
