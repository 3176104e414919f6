"""Learned aliases: a retailer's phrase -> the SKU they chose for it (one row per retailer and phrase)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import asyncpg

from domain.learned_aliases import Learned


class LearnedAliasRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def remember(self, retailer_id: int, phrase: str, sku: str, at: datetime) -> None:
        """The retailer's latest choice for the phrase replaces an earlier one."""
        await self.conn.execute(
            "INSERT INTO learned_aliases (retailer_id, phrase, sku, learned_at) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (retailer_id, phrase) DO UPDATE SET sku = EXCLUDED.sku, learned_at = EXCLUDED.learned_at",
            retailer_id, phrase, sku, at,
        )

    async def for_phrases(self, phrases: Iterable[str]) -> list[Learned]:
        rows = await self.conn.fetch(
            "SELECT retailer_id, phrase, sku FROM learned_aliases WHERE phrase = ANY($1)", list(set(phrases)))
        return [Learned(r["retailer_id"], r["phrase"], r["sku"]) for r in rows]

    async def summary(self, limit: int = 50) -> list[tuple[str, str, int]]:
        """(phrase, sku, retailers) most agreed first."""
        rows = await self.conn.fetch(
            "SELECT phrase, sku, count(*) AS n FROM learned_aliases GROUP BY phrase, sku"
            " ORDER BY n DESC, phrase, sku LIMIT $1", limit)
        return [(r["phrase"], r["sku"], int(r["n"])) for r in rows]

    async def remove(self, phrase: str, sku: str | None = None) -> int:
        """Forget a phrase (only its choices of `sku`, when given); how many rows went."""
        result = await self.conn.execute(
            "DELETE FROM learned_aliases WHERE phrase = $1 AND ($2::text IS NULL OR sku = $2)", phrase, sku)
        return int(result.split()[-1])
