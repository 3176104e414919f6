"""Reminder timing and quiet hours (WhatsApp's 24-hour window is domain.service_window's); and the
older median-interval prediction (bench/predict.py compares it; reminders use domain.order_prediction).

Median-interval prediction from a retailer's past order times:
  1. sort; orders less than SAME_OCCASION apart (a top-up after the main order) count as one;
  2. intervals between consecutive occasions; at least MIN_INTERVALS of them, else no prediction;
  3. next order = last order + median interval; cadence by where the median falls (CADENCE_RANGES),
     None when it fits no range (the prediction is still given).

All datetimes must be timezone-aware and comparable. Quiet hours take a local wall-clock `time`.

API:
    predict_next_order(order_times) -> ReorderPrediction | None
    in_quiet_hours(local_time, start, end) -> bool        start == end means no quiet hours
    send_hour(order_hours, quiet_start, quiet_end) -> int  when a predicted reminder goes out: the
        retailer's usual ordering hour (median local hour of its orders), moved into the hours outside
        the quiet ones (the first allowed hour when it falls in them); the first allowed hour with none
    reminder_due(local_now, day, latest, hour) -> bool     from `hour` on the predicted `day` until the
        end of `latest` (the prediction's interval): a day missed (busy conversation) is caught up
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
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


def in_quiet_hours(local_time: time, start: time, end: time) -> bool:
    """True if `local_time` is in [start, end); a window with start > end crosses midnight."""
    if start == end:
        return False
    if start < end:
        return start <= local_time < end
    return local_time >= start or local_time < end


def _allowed_hours(quiet_start: time, quiet_end: time) -> list[int]:
    """Whole hours h whose start h:00 is outside the quiet hours, in the order of the day from quiet_end."""
    first = quiet_end.hour + (1 if quiet_end.minute else 0)
    hours = [(first + i) % 24 for i in range(24)]
    return [h for h in hours if not in_quiet_hours(time(h), quiet_start, quiet_end)]


def send_hour(order_hours: list[int], quiet_start: time, quiet_end: time) -> int:
    """The local hour a predicted reminder is sent (see module docstring)."""
    allowed = _allowed_hours(quiet_start, quiet_end) or list(range(24))
    if not order_hours:
        return allowed[0]
    usual = sorted(order_hours)[(len(order_hours) - 1) // 2]
    return usual if usual in allowed else allowed[0]


def reminder_due(local_now: datetime, day: date, latest: date, hour: int) -> bool:
    """Whether a reminder predicted for `day` (interval up to `latest`) goes out at `local_now`."""
    today = local_now.date()
    if today == day:
        return local_now.hour >= hour
    return day < today <= latest
