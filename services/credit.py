"""Retailer credit scoring and risk: inputs in one SQL query, `domain.scoring` for the score, limit
changes within the configured bounds (audited), admins told when a retailer becomes HIGH risk.

Payment history is read first-in first-out: a delivered order counts as paid when the retailer's
confirmed payments (PAYMENT_CREDIT ledger rows), added up in time order, first cover every delivered
order up to and including it. Paid within `credit.payment_terms` of delivery is on time; paid later,
or unpaid and past the terms, is late. Orders in the last 30 days against the 30 before give the
activity; outstanding / limit the utilisation; the account's age its tenure.

A HIGH-risk retailer's new orders are HELD for an operator: the confirm workflow asks `needs_approval`.
Running the job again in the same hour changes nothing: a limit moves at most once per
`credit.limit_review`, and admins hear of a retailer only when it becomes HIGH risk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import asyncpg

from domain.scoring import CreditInputs, RiskLevel, score_credit, suggest_limit
from storage.notifier import Notifier
from storage.repos.audit import AuditRepository

INPUTS_SQL = """
WITH debts AS (
    SELECT o.retailer_id, o.delivered_at,
           sum(o.total) OVER (PARTITION BY o.retailer_id ORDER BY o.delivered_at, o.id) AS owed_through
    FROM orders o
    WHERE o.status = 'DELIVERED' AND o.delivered_at <= $2 AND ($1::bigint[] IS NULL OR o.retailer_id = ANY($1))
), payments AS (
    SELECT retailer_id, created_at,
           sum(-amount) OVER (PARTITION BY retailer_id ORDER BY created_at, id) AS paid_through
    FROM credit_ledger
    WHERE kind = 'PAYMENT_CREDIT' AND created_at <= $2 AND ($1::bigint[] IS NULL OR retailer_id = ANY($1))
), settled AS (
    SELECT d.retailer_id, d.delivered_at,
           (SELECT min(p.created_at) FROM payments p
            WHERE p.retailer_id = d.retailer_id AND p.paid_through >= d.owed_through) AS paid_at
    FROM debts d
), history AS (
    SELECT retailer_id,
           count(*) FILTER (WHERE paid_at <= delivered_at + $3::interval) AS on_time,
           count(*) FILTER (WHERE paid_at > delivered_at + $3::interval
                            OR (paid_at IS NULL AND $2 > delivered_at + $3::interval)) AS late,
           avg(GREATEST(extract(epoch FROM paid_at - delivered_at)::float8, 0) / 86400.0)
               FILTER (WHERE paid_at IS NOT NULL) AS avg_days
    FROM settled GROUP BY retailer_id
), activity AS (
    SELECT retailer_id,
           count(*) FILTER (WHERE confirmed_at >= $2 - interval '30 days') AS last_30d,
           count(*) FILTER (WHERE confirmed_at < $2 - interval '30 days') AS prev_30d
    FROM orders
    WHERE parent_id IS NULL AND confirmed_at >= $2 - interval '60 days' AND confirmed_at < $2
      AND ($1::bigint[] IS NULL OR retailer_id = ANY($1))
    GROUP BY retailer_id
), owed AS (
    SELECT retailer_id, sum(amount) AS outstanding FROM credit_ledger
    WHERE $1::bigint[] IS NULL OR retailer_id = ANY($1) GROUP BY retailer_id
)
SELECT r.user_id, u.phone, u.name, u.created_at, r.credit_limit, r.risk, r.limit_reviewed_at,
       COALESCE(h.on_time, 0) AS on_time, COALESCE(h.late, 0) AS late, h.avg_days,
       COALESCE(a.last_30d, 0) AS last_30d, COALESCE(a.prev_30d, 0) AS prev_30d,
       COALESCE(w.outstanding, 0) AS outstanding
FROM retailers r JOIN users u ON u.id = r.user_id
LEFT JOIN history h ON h.retailer_id = r.user_id
LEFT JOIN activity a ON a.retailer_id = r.user_id
LEFT JOIN owed w ON w.retailer_id = r.user_id
WHERE u.active AND ($1::bigint[] IS NULL OR r.user_id = ANY($1))
ORDER BY r.user_id
"""


@dataclass
class CreditRun:
    scored: int = 0
    limits_changed: list[int] = field(default_factory=list)
    became_high_risk: list[int] = field(default_factory=list)


def inputs_of(row: asyncpg.Record | dict[str, Any], now: datetime) -> CreditInputs:
    """The domain's inputs from one row of INPUTS_SQL."""
    limit = Decimal(row["credit_limit"])
    utilisation = 1.0 if limit <= 0 else min(1.0, max(0.0, float(Decimal(row["outstanding"]) / limit)))
    return CreditInputs(on_time_payments=row["on_time"], late_payments=row["late"], avg_days_to_pay=row["avg_days"],
                        orders_last_30d=row["last_30d"], orders_prev_30d=row["prev_30d"], utilisation=utilisation,
                        account_age_days=max(0, (now - row["created_at"]).days))


async def rescore_credit(conn: asyncpg.Connection, now: datetime, config: Any, notifier: Notifier,
                         retailer_ids: Sequence[int] | None = None) -> CreditRun:
    """Score the retailers given (all active ones when None), move limits that are due for review,
    alert admins. Each retailer is read and written in its own short transaction, so confirmations
    wait for one retailer's scoring at most; a limit changed since it was read (an admin's /credit)
    is left as it is. `notifier` writes on `conn`."""
    c = config.credit
    run = CreditRun()
    if retailer_ids is None:
        retailer_ids = [r["user_id"] for r in await conn.fetch(
            "SELECT r.user_id FROM retailers r JOIN users u ON u.id = r.user_id WHERE u.active ORDER BY r.user_id")]
    for retailer_id in retailer_ids:
        async with conn.transaction():
            row = await conn.fetchrow(INPUTS_SQL, [retailer_id], now, c.payment_terms)
            if row is not None:
                await _score_one(conn, row, now, config, notifier, run)
    return run


async def _score_one(conn: asyncpg.Connection, row: asyncpg.Record, now: datetime, config: Any,
                     notifier: Notifier, run: CreditRun) -> None:
    c = config.credit
    bounds = (Decimal(str(c.min_limit)), Decimal(str(c.max_limit)))
    result = score_credit(inputs_of(row, now))
    old_limit = row["credit_limit"]
    reviewed = row["limit_reviewed_at"] or row["created_at"]
    new_limit = suggest_limit(old_limit, result.score, bounds, Decimal(str(c.limit_step))) \
        if now - reviewed >= c.limit_review else old_limit
    await conn.execute("UPDATE retailers SET credit_score = $2, risk = $3, credit_scored_at = $4 WHERE user_id = $1",
                       row["user_id"], result.score, result.risk.value, now)
    changed = new_limit != old_limit and await conn.fetchval(
        "UPDATE retailers SET credit_limit = $2, limit_reviewed_at = $3 WHERE user_id = $1"
        " AND credit_limit = $4 AND limit_reviewed_at IS NOT DISTINCT FROM $5 RETURNING true",
        row["user_id"], new_limit, now, old_limit, row["limit_reviewed_at"])
    run.scored += 1
    audit = AuditRepository(conn)
    if changed:
        run.limits_changed.append(row["user_id"])
        await audit.record("system", "credit limit auto", now, subject=row["phone"],
                           before={"limit": str(old_limit)},
                           after={"limit": str(new_limit), "score": result.score, "risk": result.risk.value})
    if result.risk != row["risk"]:
        await audit.record("system", "credit risk", now, subject=row["phone"], before={"risk": row["risk"]},
                           after={"risk": result.risk.value, "score": result.score})
        if result.risk is RiskLevel.HIGH:
            run.became_high_risk.append(row["user_id"])
            await notifier.notify_admins("admin_credit_high_risk", retailer=row["name"], phone=row["phone"],
                                         score=result.score)


async def needs_approval(conn: asyncpg.Connection, retailer_id: int) -> bool:
    """Whether this retailer's confirmed orders wait for an operator (HELD): its credit risk is HIGH."""
    risk = await conn.fetchval("SELECT risk FROM retailers WHERE user_id = $1", retailer_id)
    return risk == RiskLevel.HIGH.value
