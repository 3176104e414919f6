from datetime import UTC, date, datetime, time, timedelta

import pytest

from domain.reorder import (
    Cadence,
    cadence_for,
    in_quiet_hours,
    median_interval,
    predict_next_order,
    reminder_due,
    send_hour,
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


@pytest.mark.parametrize(("hours", "expected"), [
    ([10, 9, 11], 10),       # the median local hour
    ([22, 23, 22], 7),       # usual hour in the quiet hours: the first hour after them
    ([], 7),
])
def test_send_hour(hours, expected):
    assert send_hour(hours, time(21), time(7)) == expected


def test_reminder_due_from_the_hour_on_the_day_and_through_the_interval():
    day = date(2026, 11, 9)
    at = lambda d, h: datetime(2026, 11, d, h, tzinfo=UTC)  # noqa: E731
    assert not reminder_due(at(8, 12), day, date(2026, 11, 10), 10)   # the day before
    assert not reminder_due(at(9, 9), day, date(2026, 11, 10), 10)    # before the usual hour
    assert reminder_due(at(9, 10), day, date(2026, 11, 10), 10)
    assert reminder_due(at(10, 8), day, date(2026, 11, 10), 10)       # a missed day caught up
    assert not reminder_due(at(11, 10), day, date(2026, 11, 10), 10)  # past the interval


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
