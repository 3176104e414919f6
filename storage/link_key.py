"""The key that signs download links when KHAACHO_SECRET_KEY is not set: made once and kept in
`flags`, so every process on the database signs and checks with the same key, across restarts."""

from __future__ import annotations

import secrets
from datetime import datetime

import asyncpg

FLAG = "download_link_key"


async def stored_link_key(conn: asyncpg.Connection, now: datetime) -> str:
    """The stored key, made now if there is none (processes starting together agree on the first)."""
    await conn.execute("INSERT INTO flags (name, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
                       FLAG, {"key": secrets.token_urlsafe(32)}, now)
    return str((await conn.fetchval("SELECT value FROM flags WHERE name = $1", FLAG))["key"])
