"""Payment claims: a retailer's "I paid", PENDING until an admin or a vendor it owes decides.

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
          " p.decided_at, p.reason, p.confirmed_amount")


def _claim(row: asyncpg.Record) -> PaymentClaim:
    return PaymentClaim(row["id"], row["retailer_id"], row["amount"], row["claimed_at"], row["method"],
                        row["reference"] or "", ClaimStatus(row["status"]), row["decided_by"], row["decided_at"],
                        row["reason"] or "", row["confirmed_amount"] or Decimal("0.00"))


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

    async def retailer_of(self, claim_id: int) -> int | None:
        return await self.conn.fetchval("SELECT retailer_id FROM payments WHERE id = $1", claim_id)

    async def lock(self, claim_id: int) -> PaymentClaim | None:
        row = await self.conn.fetchrow(f"SELECT {_CLAIM} FROM payments p WHERE p.id = $1 FOR UPDATE", claim_id)
        return _claim(row) if row else None

    async def vendor_of(self, claim_id: int) -> int | None:
        """The vendor that confirmed (part of) the claim, if one did."""
        return await self.conn.fetchval("SELECT vendor_id FROM payments WHERE id = $1", claim_id)

    async def save_decision(self, claim: PaymentClaim, vendor_id: int | None = None) -> None:
        """Store the decision; with `vendor_id`, what the claim credited so far is that vendor's part."""
        await self.conn.execute(
            "UPDATE payments SET status = $2, decided_by = $3, decided_at = $4, reason = $5,"
            " confirmed_amount = $6, vendor_id = COALESCE($7, vendor_id),"
            " vendor_amount = CASE WHEN $7::bigint IS NULL THEN vendor_amount ELSE $6 END WHERE id = $1",
            claim.claim_id, claim.status.value, claim.decided_by, claim.decided_at, claim.reason or None,
            claim.credited if claim.credited else None, vendor_id)

    async def pending(self, limit: int = 20, retailer_id: int | None = None) -> list[PendingClaim]:
        """Claims waiting for a decision (PENDING or HELD), oldest first (one retailer's when given)."""
        rows = await self.conn.fetch(
            f"SELECT u.name AS retailer, {_CLAIM}"
            " FROM payments p JOIN users u ON u.id = p.retailer_id WHERE p.status IN ('PENDING', 'HELD')"
            " AND ($2::bigint IS NULL OR p.retailer_id = $2) ORDER BY p.id LIMIT $1", limit, retailer_id)
        return [PendingClaim(_claim(r), r["retailer"]) for r in rows]

    async def owed_to_vendors(self, retailer_id: int) -> dict[int, Decimal]:
        """What the retailer owes each vendor for its delivered orders (their ledger entries), less the
        payments that vendor confirmed; only vendors owed something, the most owed first."""
        rows = await self.conn.fetch(
            "WITH debt AS (SELECT o.vendor_id, sum(l.amount) AS owed FROM credit_ledger l"
            "   JOIN orders o ON o.id = l.order_id"
            "   WHERE l.retailer_id = $1 AND o.status = 'DELIVERED' AND o.vendor_id IS NOT NULL"
            "   GROUP BY o.vendor_id),"
            " paid AS (SELECT vendor_id, sum(vendor_amount) AS paid FROM payments"
            "   WHERE retailer_id = $1 AND vendor_id IS NOT NULL AND vendor_amount IS NOT NULL GROUP BY vendor_id)"
            " SELECT d.vendor_id, d.owed - COALESCE(p.paid, 0) AS owed FROM debt d"
            " LEFT JOIN paid p USING (vendor_id) WHERE d.owed - COALESCE(p.paid, 0) > 0"
            " ORDER BY owed DESC, d.vendor_id", retailer_id)
        return {r["vendor_id"]: r["owed"] for r in rows}
