"""Reorder prediction and quiet hours (WhatsApp's 24-hour window is domain.service_window's).

Prediction from a retailer's past order times:
  1. sort; orders less than SAME_OCCASION apart (a top-up after the main order) count as one;
  2. intervals between consecutive occasions; at least MIN_INTERVALS of them, else no prediction;
  3. next order = last order + median interval; cadence by where the median falls (CADENCE_RANGES),
     None when it fits no range (the prediction is still given).

`is_due(now, prediction, lead)` is True from `lead` before the predicted time until one median
interval after it, unless a reminder was already sent since the last order. Past that window the
retailer is lapsed, which is a different message and not this module's business.

All datetimes must be timezone-aware and comparable. Quiet hours take a local wall-clock `time`.

API:
    predict_next_order(order_times) -> ReorderPrediction | None
    is_due(now, prediction, lead=DEFAULT_LEAD, last_reminded_at=None) -> bool
    in_quiet_hours(local_time, start, end) -> bool        start == end means no quiet hours
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from itertools import pairwise


class Cadence(StrEnum):
    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"


SAME_OCCASION = timedelta(hours=12)
MIN_INTERVALS = 2
CADENCE_RANGES: tuple[tuple[Cadence, timedelta, timedelta], ...] = (
    (Cadence.DAILY, timedelta(hours=18), timedelta(hours=36)),
    (Cadence.WEEKLY, timedelta(days=5), timedelta(days=10)),
    (Cadence.MONTHLY, timedelta(days=25), timedelta(days=36)),
)
"""(cadence, shortest median, longest median), both ends inclusive."""
DEFAULT_LEAD = timedelta(hours=2)


@dataclass(frozen=True, slots=True)
class ReorderPrediction:
    cadence: Cadence | None
    median_interval: timedelta
    last_order_at: datetime
    next_order_at: datetime


def cadence_for(interval: timedelta) -> Cadence | None:
    """The cadence whose range holds `interval`, or None."""
    return next((c for c, low, high in CADENCE_RANGES if low <= interval <= high), None)


def median_interval(intervals: list[timedelta]) -> timedelta:
    """Median of a non-empty list of intervals (mean of the two middle ones for an even count)."""
    ordered = sorted(intervals)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def predict_next_order(order_times: Iterable[datetime]) -> ReorderPrediction | None:
    """Cadence and next order time from past order times, or None with too little history."""
    occasions: list[datetime] = []
    for at in sorted(order_times):
        if not occasions or at - occasions[-1] >= SAME_OCCASION:
            occasions.append(at)
    intervals = [later - earlier for earlier, later in pairwise(occasions)]
    if len(intervals) < MIN_INTERVALS:
        return None
    typical = median_interval(intervals)
    last = occasions[-1]
    return ReorderPrediction(cadence_for(typical), typical, last, last + typical)


def is_due(
    now: datetime,
    prediction: ReorderPrediction,
    lead: timedelta = DEFAULT_LEAD,
    last_reminded_at: datetime | None = None,
) -> bool:
    """Whether to send a reorder reminder now (see module docstring for the window)."""
    if last_reminded_at is not None and last_reminded_at >= prediction.last_order_at:
        return False
    opens = prediction.next_order_at - lead
    closes = prediction.next_order_at + prediction.median_interval
    return opens <= now < closes


def in_quiet_hours(local_time: time, start: time, end: time) -> bool:
    """True if `local_time` is in [start, end); a window with start > end crosses midnight."""
    if start == end:
        return False
    if start < end:
        return start <= local_time < end
    return local_time >= start or local_time < end
