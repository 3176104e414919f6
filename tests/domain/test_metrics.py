import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.metrics import Direction, Grade, average, grade_for, percentile, percentiles, success_rate, trend

VALUES = [15, 20, 35, 40, 50]


@pytest.mark.parametrize(
    ("values", "pct", "expected"),
    [
        (VALUES, 0, 15),
        (VALUES, 50, 35),
        (VALUES, 100, 50),
        (VALUES, 40, 29),  # (5 − 1) × 0.4 = 1.6 -> 20 + 0.6 × 15
        (VALUES, 90, 46),  # 3.6 -> 40 + 0.6 × 10
        ([1, 2, 3, 4], 50, 2.5),
        ([7], 90, 7),
        ([3, 1, 2], 50, 2),  # unsorted input
    ],
)
def test_percentile_matches_percentile_cont(values, pct, expected):
    assert percentile(values, pct) == pytest.approx(expected)


def test_percentile_edge_cases():
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile(VALUES, 101)


def test_percentiles():
    assert percentiles(VALUES) == {50: pytest.approx(35), 90: pytest.approx(46)}
    assert percentiles((v for v in VALUES), (10,)) == {10: pytest.approx(17)}  # a generator is read once
    assert percentiles([]) == {50: None, 90: None}


@pytest.mark.parametrize(("ok", "total", "rate"), [(9, 10, 0.9), (0, 4, 0.0), (5, 5, 1.0), (0, 0, None)])
def test_success_rate(ok, total, rate):
    assert success_rate(ok, total) == rate


@pytest.mark.parametrize(("ok", "total"), [(-1, 5), (6, 5), (0, -1)])
def test_success_rate_rejects_impossible_counts(ok, total):
    with pytest.raises(ValueError):
        success_rate(ok, total)


@pytest.mark.parametrize(
    ("current", "previous", "change", "ratio", "direction"),
    [
        (125, 100, 25, 0.25, Direction.UP),
        (80, 100, -20, -0.2, Direction.DOWN),
        (100.5, 100, 0.5, 0.005, Direction.FLAT),  # within 1 %
        (5, 0, 5, None, Direction.UP),
        (0, 0, 0, None, Direction.FLAT),
        (-50, -100, 50, 0.5, Direction.UP),  # a smaller loss is an improvement
    ],
)
def test_trend(current, previous, change, ratio, direction):
    result = trend(current, previous)
    assert result.change == pytest.approx(change)
    assert result.ratio == (None if ratio is None else pytest.approx(ratio))
    assert result.direction is direction


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, Grade.A_PLUS),
        (95, Grade.A_PLUS),
        (94.9, Grade.A),
        (85, Grade.A),
        (70, Grade.B),
        (69.9, Grade.C),
        (55, Grade.C),
        (40, Grade.D),
        (39.9, Grade.F),
        (0, Grade.F),
        (-5, Grade.F),
    ],
)
def test_grade_for(score, grade):
    assert grade_for(score) is grade


def test_grade_values_are_what_dashboards_show():
    assert [g.value for g in Grade] == ["A+", "A", "B", "C", "D", "F"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e7, allow_nan=False), max_size=60), st.randoms())
def test_average_is_the_same_in_any_order(values, rnd):
    """Rolled up by day or read from the orders, the same seconds come in another order: the mean
    is summed exactly, so it does not depend on that order."""
    shuffled = list(values)
    rnd.shuffle(shuffled)
    assert average(shuffled) == average(values)
    assert average(values) == (math.fsum(values) / len(values) if values else None)


def test_average_of_nothing_is_none():
    assert average([]) is None
    # a left-to-right sum loses the small values beside the big ones: 1.0 / 4 instead of 2.0 / 4
    assert average([1e16, 1.0, -1e16, 1.0]) == 0.5
