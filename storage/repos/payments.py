"""Payment claims: a retailer's "I paid", PENDING until an admin or the retailer's vendor decides.

Deciding follows `domain.credit.confirm_claim` / `reject_claim`; `lock` reads the claim FOR UPDATE
so two deciders never both confirm it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import asyncpg

from domain.credit import ClaimStatus, PaymentClaim

_CLAIM = ("p.id, p.retailer_id, p.amount, p.claimed_at, p.method, p.reference, p.status, p.decided_by,"
          " p.decided_at, p.reason")


def _claim(row: asyncpg.Record) -> PaymentClaim:
    return PaymentClaim(row["id"], row["retailer_id"], row["amount"], row["claimed_at"], row["method"],
                        row["reference"] or "", ClaimStatus(row["status"]), row["decided_by"], row["decided_at"],
                        row["reason"] or "")


@dataclass(frozen=True)
class PendingClaim:
    claim: PaymentClaim
    retailer: str


class PaymentRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add(self, retailer_id: int, amount: Decimal, method: str, at: datetime, reference: str = "") -> int:
        return await self.conn.fetchval(
            "INSERT INTO payments (retailer_id, amount, method, reference, claimed_at)"
            " VALUES ($1, $2, $3, $4, $5) RETURNING id", retailer_id, amount, method, reference or None, at)

    async def lock(self, claim_id: int) -> PaymentClaim | None:
        row = await self.conn.fetchrow(f"SELECT {_CLAIM} FROM payments p WHERE p.id = $1 FOR UPDATE", claim_id)
        return _claim(row) if row else None

    async def save_decision(self, claim: PaymentClaim, confirmed_amount: Decimal | None = None) -> None:
        await self.conn.execute(
            "UPDATE payments SET status = $2, decided_by = $3, decided_at = $4, reason = $5,"
            " confirmed_amount = $6 WHERE id = $1",
            claim.claim_id, claim.status.value, claim.decided_by, claim.decided_at, claim.reason or None,
            confirmed_amount)

    async def pending(self, limit: int = 20, retailer_id: int | None = None) -> list[PendingClaim]:
        """Claims waiting for a decision, oldest first (one retailer's when `retailer_id` is given)."""
        rows = await self.conn.fetch(
            f"SELECT u.name AS retailer, {_CLAIM}"
            " FROM payments p JOIN users u ON u.id = p.retailer_id WHERE p.status = 'PENDING'"
            " AND ($2::bigint IS NULL OR p.retailer_id = $2) ORDER BY p.id LIMIT $1", limit, retailer_id)
        return [PendingClaim(_claim(r), r["retailer"]) for r in rows]

    async def vendors_of(self, retailer_id: int, limit: int = 3) -> list[int]:
        """Vendors that have served the retailer, most recent first: who may confirm its payments."""
        rows = await self.conn.fetch(
            "SELECT vendor_id FROM orders WHERE retailer_id = $1 AND vendor_id IS NOT NULL"
            " AND status IN ('ACCEPTED', 'DISPATCHED', 'DELIVERED')"
            " GROUP BY vendor_id ORDER BY max(id) DESC LIMIT $2", retailer_id, limit)
        return [r["vendor_id"] for r in rows]
