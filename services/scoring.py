"""Vendor scores: each vendor's metrics aggregated by `uow.vendor_scores` (SQL does the counting only),
scored by `domain.scoring.score_vendor` (the one definition of the formula), written back at once.

Called for every vendor by the hourly job, and for one vendor after each of its answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from domain.scoring import score_vendor
from storage.uow import UnitOfWork

ON_TIME_DELIVERY = timedelta(hours=48)


async def rescore_vendors(uow: UnitOfWork, now: datetime, vendor_ids: Sequence[int] | None = None, *,
                          on_time_within: timedelta = ON_TIME_DELIVERY) -> int:
    """Recompute score, tier and grade of the vendors given (all when None); returns how many."""
    if vendor_ids is not None and not vendor_ids:
        return 0
    metrics = await uow.vendor_scores.metrics(vendor_ids, on_time_within)
    return await uow.vendor_scores.save([(vendor_id, score_vendor(m)) for vendor_id, m in metrics], now)
