"""Retailer credit scoring and risk: each retailer's history from `uow.credit` (see storage.repos.credit
for how payments are matched to orders), `domain.scoring` for the score, limit changes within the
configured bounds (audited), admins told when a retailer becomes HIGH risk.

Paid within `credit.payment_terms` of delivery is on time; outstanding / limit is the utilisation;
the account's age its tenure. A HIGH-risk retailer's new orders are HELD for an operator: the
confirm workflow asks `needs_approval`. Scoring again in the same hour changes nothing: a limit moves
at most once per `credit.limit_review`, and admins hear of a retailer only when it becomes HIGH risk.
The job scores each retailer in its own unit of work, so a confirmation waits for one retailer's
scoring at most.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.scoring import CreditInputs, RiskLevel, score_credit, suggest_limit
from services.events import CreditRiskHigh
from storage.repos.credit import CreditHistory
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Rescored:
    """What scoring one retailer changed."""

    retailer_id: int
    limit_changed: bool
    became_high_risk: bool


def inputs_of(history: CreditHistory, now: datetime) -> CreditInputs:
    """The domain's inputs from a retailer's history."""
    limit = Decimal(history.credit_limit)
    utilisation = 1.0 if limit <= 0 else min(1.0, max(0.0, float(Decimal(history.outstanding) / limit)))
    return CreditInputs(on_time_payments=history.on_time, late_payments=history.late,
                        avg_days_to_pay=history.avg_days, orders_last_30d=history.last_30d,
                        orders_prev_30d=history.prev_30d, utilisation=utilisation,
                        account_age_days=max(0, (now - history.created_at).days))


async def retailers_to_score(uow: UnitOfWork) -> list[int]:
    """Every active retailer."""
    return await uow.credit.active_retailers()


async def rescore_retailer(uow: UnitOfWork, retailer_id: int, now: datetime, config: Any) -> Rescored | None:
    """Score one retailer, move its limit when due for review, alert admins when it becomes HIGH risk.
    A limit changed since it was read (an admin's /credit) is left as it is. None: not an active retailer."""
    c = config.credit
    history = await uow.credit.history(retailer_id, now, c.payment_terms)
    if history is None:
        return None
    result = score_credit(inputs_of(history, now))
    old_limit = history.credit_limit
    reviewed = history.limit_reviewed_at or history.created_at
    new_limit = suggest_limit(old_limit, result.score, (Decimal(str(c.min_limit)), Decimal(str(c.max_limit))),
                              Decimal(str(c.limit_step))) if now - reviewed >= c.limit_review else old_limit
    await uow.credit.save_score(retailer_id, result.score, result.risk.value, now)
    changed = new_limit != old_limit and await uow.credit.move_limit(
        retailer_id, new_limit, now, was=old_limit, reviewed_at=history.limit_reviewed_at)
    if changed:
        await uow.audit.record("system", "credit limit auto", now, subject=history.phone,
                               before={"limit": str(old_limit)},
                               after={"limit": str(new_limit), "score": result.score, "risk": result.risk.value})
    high = False
    if result.risk != history.risk:
        await uow.audit.record("system", "credit risk", now, subject=history.phone, before={"risk": history.risk},
                               after={"risk": result.risk.value, "score": result.score})
        if result.risk is RiskLevel.HIGH:
            high = True
            await uow.record(CreditRiskHigh(retailer_id, result.score))
    return Rescored(retailer_id, changed, high)


async def needs_approval(uow: UnitOfWork, retailer_id: int) -> bool:
    """Whether this retailer's confirmed orders wait for an operator (HELD): its credit risk is HIGH."""
    return await uow.credit.risk(retailer_id) == RiskLevel.HIGH.value
