from datetime import UTC, datetime, time, timedelta

import pytest

from domain.reorder import (
    Cadence,
    ReorderPrediction,
    cadence_for,
    in_quiet_hours,
    is_due,
    median_interval,
    predict_next_order,
)

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def every(step: timedelta, count: int, start: datetime = T0) -> list[datetime]:
    return [start + i * step for i in range(count)]


@pytest.mark.parametrize(
    ("times", "cadence", "interval"),
    [
        (every(timedelta(days=1), 6), Cadence.DAILY, timedelta(days=1)),
        (every(timedelta(days=7), 4), Cadence.WEEKLY, timedelta(days=7)),
        (every(timedelta(days=30), 3), Cadence.MONTHLY, timedelta(days=30)),
        (every(timedelta(days=3), 5), None, timedelta(days=3)),  # regular but no named cadence
    ],
)
def test_cadence_and_next_order(times, cadence, interval):
    prediction = predict_next_order(reversed(times))  # order of input does not matter
    assert prediction is not None
    assert prediction.cadence is cadence
    assert prediction.median_interval == interval
    assert prediction.last_order_at == times[-1]
    assert prediction.next_order_at == times[-1] + interval


def test_median_ignores_one_odd_gap():
    days = [0, 7, 14, 35, 42, 49]  # one three-week holiday
    prediction = predict_next_order([T0 + timedelta(days=d) for d in days])
    assert prediction is not None
    assert prediction.cadence is Cadence.WEEKLY
    assert prediction.median_interval == timedelta(days=7)


def test_top_up_orders_on_the_same_occasion_count_once():
    times = [*every(timedelta(days=7), 3), T0 + timedelta(hours=2), T0 + timedelta(days=7, hours=3)]
    prediction = predict_next_order(times)
    assert prediction is not None and prediction.median_interval == timedelta(days=7)


@pytest.mark.parametrize(
    "times",
    [[], [T0], [T0, T0 + timedelta(days=1)], [T0, T0 + timedelta(hours=1), T0 + timedelta(hours=2)]],
)
def test_too_little_history_gives_no_prediction(times):
    assert predict_next_order(times) is None


@pytest.mark.parametrize(
    ("interval", "cadence"),
    [
        (timedelta(hours=17), None),
        (timedelta(hours=18), Cadence.DAILY),
        (timedelta(hours=36), Cadence.DAILY),
        (timedelta(days=4), None),
        (timedelta(days=5), Cadence.WEEKLY),
        (timedelta(days=10), Cadence.WEEKLY),
        (timedelta(days=31), Cadence.MONTHLY),
        (timedelta(days=60), None),
    ],
)
def test_cadence_ranges(interval, cadence):
    assert cadence_for(interval) is cadence


WEEKLY = ReorderPrediction(Cadence.WEEKLY, timedelta(days=7), T0, T0 + timedelta(days=7))
NEXT = WEEKLY.next_order_at


@pytest.mark.parametrize(
    ("now", "last_reminded_at", "due"),
    [
        (NEXT - timedelta(hours=3), None, False),  # too early
        (NEXT - timedelta(hours=2), None, True),  # lead time reached
        (NEXT + timedelta(days=3), None, True),
        (NEXT + timedelta(days=7), None, False),  # lapsed: a different conversation
        (NEXT, T0 + timedelta(days=6, hours=23), False),  # already reminded since the last order
        (NEXT, T0 - timedelta(days=1), True),  # reminded before the last order: remind again
    ],
)
def test_is_due(now, last_reminded_at, due):
    assert is_due(now, WEEKLY, last_reminded_at=last_reminded_at) is due


def test_is_due_with_a_longer_lead():
    assert is_due(NEXT - timedelta(days=1), WEEKLY, lead=timedelta(days=1))
    assert not is_due(NEXT - timedelta(days=1), WEEKLY)


@pytest.mark.parametrize(
    ("now", "start", "end", "quiet"),
    [
        (time(23, 0), time(21, 0), time(7, 0), True),  # window across midnight
        (time(3, 0), time(21, 0), time(7, 0), True),
        (time(21, 0), time(21, 0), time(7, 0), True),  # start is inclusive
        (time(7, 0), time(21, 0), time(7, 0), False),  # end is exclusive
        (time(12, 0), time(21, 0), time(7, 0), False),
        (time(13, 30), time(13, 0), time(14, 0), True),  # same-day window
        (time(14, 0), time(13, 0), time(14, 0), False),
        (time(12, 59), time(13, 0), time(14, 0), False),
        (time(3, 0), time(0, 0), time(0, 0), False),  # start == end: no quiet hours
    ],
)
def test_in_quiet_hours(now, start, end, quiet):
    assert in_quiet_hours(now, start, end) is quiet


@pytest.mark.parametrize(
    ("days", "expected"),
    [([3], 3), ([9, 1, 5], 5), ([1, 2, 6, 100], 4), ([7, 7], 7)],
)
def test_median_interval(days, expected):
    assert median_interval([timedelta(days=d) for d in days]) == timedelta(days=expected)
