"""API keys as stored: only the sha256 of a key is kept, with its shown prefix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

_COLUMNS = "id, name, prefix, created_at, last_used_at, revoked_at"


@dataclass(frozen=True)
class ApiKey:
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add(self, name: str, key_hash: str, prefix: str, now: datetime) -> int:
        return await self.conn.fetchval(
            "INSERT INTO api_keys (name, key_hash, prefix, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            name, key_hash, prefix, now)

    async def use(self, key_hash: str, now: datetime) -> ApiKey | None:
        """The live key with this hash (its last use noted), or None."""
        row = await self.conn.fetchrow(
            f"UPDATE api_keys SET last_used_at = $2 WHERE key_hash = $1 AND revoked_at IS NULL RETURNING {_COLUMNS}",
            key_hash, now)
        return ApiKey(**row) if row else None

    async def revoke(self, name: str, now: datetime) -> int:
        """Revoke every live key called `name`; how many were."""
        result = await self.conn.execute(
            "UPDATE api_keys SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL", name, now)
        return int(result.split()[-1])

    async def all(self) -> list[ApiKey]:
        return [ApiKey(**r) for r in await self.conn.fetch(f"SELECT {_COLUMNS} FROM api_keys ORDER BY id")]
