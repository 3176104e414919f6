"""Self-healing's records: stuck cases found in orders, the outbox and payment claims; the attempts
made on them (healing_attempts) and the recovery rate for /stats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from domain.healing import ORDER_PROBLEMS, Limits, Outcome, Problem, RecoveryRate, Strategy, detect

KIND_COLUMN = {"order": "order_id", "message": "outbox_id", "payment": "payment_id"}


@dataclass(frozen=True)
class Case:
    """One stuck thing: an order (by status), a failing message or an undecided payment claim."""

    kind: str            # order | message | payment
    id: int
    problem: Problem
    since: datetime
    status: str = ""
    label: str = ""      # how admins read it: "order #1042", "message #7 to +977…"

    @property
    def column(self) -> str:
        return KIND_COLUMN[self.kind]


@dataclass(frozen=True)
class Attempt:
    id: int
    strategy: Strategy
    outcome: Outcome
    at: datetime


class HealingRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def stuck_orders(self, now: datetime, limits: Limits, *, safe_mode: bool, limit: int = 200) -> list[Case]:
        """Live orders longer in their status than its limit, oldest change first."""
        cutoffs = {s: now - d for s in ORDER_PROBLEMS if (d := limits.for_status(s, safe_mode=safe_mode)) is not None}
        if not cutoffs:
            return []
        rows = await self.conn.fetch(
            "SELECT o.id, o.status, o.updated_at FROM orders o"
            " JOIN unnest($1::text[], $2::timestamptz[]) AS c(status, cutoff) ON c.status = o.status"
            " WHERE o.updated_at <= c.cutoff ORDER BY o.updated_at, o.id LIMIT $3",
            list(cutoffs), list(cutoffs.values()), limit)
        cases = []
        for r in rows:
            problem = detect(r["status"], r["updated_at"], now, limits, safe_mode=safe_mode)
            if problem is not None:
                cases.append(Case("order", r["id"], problem, r["updated_at"], r["status"], f"order #{r['id']}"))
        return cases

    async def order_case(self, order_id: int) -> Case | None:
        """The order as a case whatever its age (for an operator's /heal); None when not live."""
        row = await self.conn.fetchrow("SELECT id, status, updated_at FROM orders WHERE id = $1", order_id)
        if row is None or row["status"] not in ORDER_PROBLEMS:
            return None
        return Case("order", row["id"], ORDER_PROBLEMS[row["status"]], row["updated_at"], row["status"],
                    f"order #{row['id']}")

    async def failing_messages(self, now: datetime, within: timedelta = timedelta(days=7),
                               limit: int = 100) -> list[Case]:
        rows = await self.conn.fetch(
            "SELECT id, recipient, status, COALESCE(claimed_at, created_at) AS since FROM outbound_messages"
            " WHERE status IN ('dead', 'failed') AND created_at >= $1 ORDER BY id LIMIT $2", now - within, limit)
        return [Case("message", r["id"], Problem.MESSAGE_FAILED, r["since"], r["status"],
                     f"message #{r['id']} to {r['recipient']}") for r in rows]

    async def pending_payments(self, now: datetime, limit_age: timedelta, limit: int = 100) -> list[Case]:
        rows = await self.conn.fetch(
            "SELECT p.id, p.amount, p.claimed_at, u.name FROM payments p JOIN users u ON u.id = p.retailer_id"
            " WHERE p.status = 'PENDING' AND p.claimed_at <= $1 ORDER BY p.id LIMIT $2", now - limit_age, limit)
        return [Case("payment", r["id"], Problem.PAYMENT_PENDING, r["claimed_at"], "PENDING",
                     f"payment claim #{r['id']} from {r['name']} (Rs {r['amount']:,.2f})") for r in rows]

    async def attempts(self, case: Case) -> list[Attempt]:
        rows = await self.conn.fetch(
            f"SELECT id, strategy, outcome, at FROM healing_attempts WHERE {case.column} = $1 AND problem = $2"
            " ORDER BY id", case.id, case.problem.value)
        return [Attempt(r["id"], Strategy(r["strategy"]), Outcome(r["outcome"]), r["at"]) for r in rows]

    async def pending_attempts(self, made_before: datetime) -> list[tuple[Case, Attempt]]:
        """PENDING attempts made before the time given, with the case each was about."""
        rows = await self.conn.fetch(
            "SELECT id, order_id, outbox_id, payment_id, problem, strategy, outcome, at FROM healing_attempts"
            " WHERE outcome = 'PENDING' AND at <= $1 ORDER BY id", made_before)
        found = []
        for r in rows:
            kind = next(k for k, column in KIND_COLUMN.items() if r[column] is not None)
            case = Case(kind, r[KIND_COLUMN[kind]], Problem(r["problem"]), r["at"])
            found.append((case, Attempt(r["id"], Strategy(r["strategy"]), Outcome(r["outcome"]), r["at"])))
        return found

    async def record(self, case: Case, strategy: Strategy, outcome: Outcome, at: datetime, detail: str = "",
                     actor: str = "system") -> int:
        return await self.conn.fetchval(
            f"INSERT INTO healing_attempts ({case.column}, problem, strategy, outcome, detail, actor, at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            case.id, case.problem.value, strategy.value, outcome.value, detail or None, actor, at)

    async def settle(self, attempt_id: int, outcome: Outcome, detail: str) -> None:
        await self.conn.execute(
            "UPDATE healing_attempts SET outcome = $2, detail = concat_ws('; ', detail, $3::text)"
            " WHERE id = $1 AND outcome = 'PENDING'", attempt_id, outcome.value, detail)

    async def lock(self, case: Case) -> None:
        """Serialise work on one case across processes until the transaction ends."""
        await self.conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"heal:{case.kind}:{case.id}")

    async def recovery_rate(self, since: datetime | None = None) -> RecoveryRate:
        """Recovered / attempted self-healing attempts (all time, or made at or after `since`)."""
        row = await self.conn.fetchrow(
            "SELECT count(*) FILTER (WHERE outcome <> 'PENDING') AS attempted,"
            " count(*) FILTER (WHERE outcome = 'RECOVERED') AS recovered,"
            " count(*) FILTER (WHERE outcome = 'PENDING') AS pending"
            " FROM healing_attempts WHERE $1::timestamptz IS NULL OR at >= $1", since)
        return RecoveryRate(row["attempted"], row["recovered"], row["pending"])

    async def message_status(self, outbox_id: int) -> str | None:
        return await self.conn.fetchval("SELECT status FROM outbound_messages WHERE id = $1", outbox_id)

    async def order_state(self, order_id: int) -> asyncpg.Record | None:
        return await self.conn.fetchrow("SELECT status, updated_at, vendor_id FROM orders WHERE id = $1", order_id)
