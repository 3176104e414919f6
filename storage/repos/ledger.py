"""The credit ledger: append-only rows, each with the balance after it.

`amount` is stored signed (its effect on what the retailer owes, `LedgerEntry.signed_amount`).
Appending and reading the balance for a decision must happen under `lock_retailer` (the retailer
row FOR UPDATE), so two transactions never compute a balance from the same starting point.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import asyncpg

from domain.credit import EntryKind, LedgerEntry, available_credit

_OUTSTANDING = "SELECT COALESCE(sum(amount), 0)::numeric(14, 2) FROM credit_ledger WHERE retailer_id = $1"


@dataclass(frozen=True)
class CreditState:
    limit: Decimal
    outstanding: Decimal

    @property
    def available(self) -> Decimal:
        return available_credit(self.limit, self.outstanding)


class LedgerRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def lock_retailer(self, retailer_id: int) -> CreditState:
        """Lock the retailer row (until the transaction ends) and read its credit."""
        limit = await self.conn.fetchval(
            "SELECT credit_limit FROM retailers WHERE user_id = $1 FOR UPDATE", retailer_id)
        if limit is None:
            raise LookupError(f"no retailer {retailer_id}")
        return CreditState(limit, await self.outstanding(retailer_id))

    async def state(self, retailer_id: int) -> CreditState:
        """Credit as it stands, without locking (for display): limit and balance in one statement."""
        row = await self.conn.fetchrow(
            "SELECT (SELECT credit_limit FROM retailers WHERE user_id = $1) AS credit_limit,"
            f" ({_OUTSTANDING}) AS outstanding", retailer_id)
        limit = row["credit_limit"]
        return CreditState(limit if limit is not None else Decimal(0), row["outstanding"])

    async def outstanding(self, retailer_id: int) -> Decimal:
        return await self.conn.fetchval(_OUTSTANDING, retailer_id)

    async def append(self, entry: LedgerEntry, payment_id: int | None = None) -> Decimal:
        """Write one entry (caller holds `lock_retailer`); returns the balance after it."""
        balance = await self.outstanding(entry.retailer_id) + entry.signed_amount
        await self.conn.execute(
            "INSERT INTO credit_ledger (retailer_id, kind, amount, balance_after, order_id, payment_id, note,"
            " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            entry.retailer_id, entry.kind.value, entry.signed_amount, balance, entry.order_id, payment_id,
            entry.note or None, entry.at)
        return balance

    async def for_order(self, order_id: int) -> list[LedgerEntry]:
        rows = await self.conn.fetch(
            "SELECT retailer_id, kind, amount, created_at, order_id, note FROM credit_ledger"
            " WHERE order_id = $1 ORDER BY id", order_id)
        return [LedgerEntry(r["retailer_id"], EntryKind(r["kind"]),
                            r["amount"] if r["kind"] == EntryKind.ADJUSTMENT else abs(r["amount"]),
                            r["created_at"], r["order_id"], r["note"] or "") for r in rows]
