"""Retailer credit scoring and risk: each retailer's history from `uow.credit` (see storage.repos.credit
for how payments are matched to orders), the scorecard of `domain.credit_scorecard` for the score
(payment punctuality, utilisation, order regularity, disputes; the same factors `/retailer` shows),
`domain.scoring` for the risk level and limit steps, limit changes within the configured bounds
(audited), admins told when a retailer becomes HIGH risk.

Paid within `credit.payment_terms` of delivery is on time; outstanding / limit is the utilisation;
the days between its latest orders (one per local day) the regularity; complaint tickets about an
order the disputes. A HIGH-risk retailer's new orders are HELD for an operator: the
confirm workflow asks `needs_approval`. Scoring again in the same hour changes nothing: a limit moves
at most once per `credit.limit_review`, and admins hear of a retailer only when it becomes HIGH risk.
The job scores each retailer in its own unit of work, so a confirmation waits for one retailer's
scoring at most.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import pairwise
from typing import Any

from domain.credit_scorecard import Scorecard, ScorecardInputs, scorecard
from domain.formatting import platform_zone
from domain.scoring import CreditScore, RiskLevel, risk_for, suggest_limit
from services.events import CreditRiskHigh
from storage.repos.credit import CreditHistory
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Rescored:
    """What scoring one retailer changed."""

    retailer_id: int
    limit_changed: bool
    became_high_risk: bool


def scorecard_inputs(history: CreditHistory, config: Any) -> ScorecardInputs:
    """The scorecard's inputs from a retailer's history."""
    limit = Decimal(history.credit_limit)
    utilisation = 1.0 if limit <= 0 else max(0.0, float(Decimal(history.outstanding) / limit))
    zone = platform_zone(config)
    days = sorted({at.astimezone(zone).date() for at in history.order_times})
    gaps = [float((later - earlier).days) for earlier, later in pairwise(days)]
    return ScorecardInputs(history.on_time, history.late, utilisation, gaps, history.orders, history.disputes)


async def scorecard_of(uow: UnitOfWork, retailer_id: int, now: datetime, config: Any) -> Scorecard | None:
    """The retailer's scorecard as the hourly job computes it; None when it is not an active retailer."""
    history = await uow.credit.history(retailer_id, now, config.credit.payment_terms)
    return None if history is None else scorecard(scorecard_inputs(history, config))


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
    card = scorecard(scorecard_inputs(history, config))
    result = CreditScore(card.score, risk_for(card.score), card.factors)
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
