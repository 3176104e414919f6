"""API keys: shown once when made, stored only as their sha256."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

import asyncpg

PREFIX = "khk_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class ApiKey:
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyRepository:
    def __init__(self, conn: asyncpg.Connection | asyncpg.Pool) -> None:
        self.conn = conn

    async def create(self, name: str, now: datetime) -> tuple[int, str]:
        """A new key for `name`: (id, the key). The key is not kept and cannot be shown again."""
        key = PREFIX + secrets.token_urlsafe(32)
        key_id = await self.conn.fetchval(
            "INSERT INTO api_keys (name, key_hash, prefix, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            name, hash_key(key), key[:len(PREFIX) + 6], now)
        return key_id, key

    async def authenticate(self, key: str, now: datetime) -> ApiKey | None:
        """The live key matching `key` (its last use noted), or None."""
        row = await self.conn.fetchrow(
            "UPDATE api_keys SET last_used_at = $2 WHERE key_hash = $1 AND revoked_at IS NULL"
            " RETURNING id, name, prefix, created_at, last_used_at, revoked_at", hash_key(key), now)
        return ApiKey(**row) if row else None

    async def revoke(self, name: str, now: datetime) -> int:
        """Revoke every live key called `name`; how many were."""
        result = await self.conn.execute(
            "UPDATE api_keys SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL", name, now)
        return int(result.split()[-1])

    async def all(self) -> list[ApiKey]:
        rows = await self.conn.fetch(
            "SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_keys ORDER BY id")
        return [ApiKey(**r) for r in rows]
