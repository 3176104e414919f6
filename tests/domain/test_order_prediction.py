from datetime import date, timedelta
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from domain.order_prediction import (
    Frequency,
    Occasion,
    frequency_class,
    naive_basket,
    naive_next,
    occasions_of,
    predict_basket,
    predict_next,
)

D0 = date(2026, 1, 5)


def history(step: int, count: int, skip: set[int] = frozenset(), jitter: dict[int, int] | None = None):
    jitter = jitter or {}
    return [Occasion(D0 + timedelta(days=i * step + jitter.get(i, 0)), {"chini": D(5)})
            for i in range(count) if i not in skip]


def test_weekly_buyer_next_week():
    occ = history(7, 8)
    p = predict_next(occ, occ[-1].day)
    assert p is not None and p.frequency is Frequency.WEEKLY
    assert p.day == occ[-1].day + timedelta(days=7)
    assert p.earliest <= p.day <= p.latest


def test_a_skipped_week_does_not_stretch_the_period():
    occ = history(7, 10, skip={5})
    p = predict_next(occ, occ[-1].day)
    assert p is not None and p.frequency is Frequency.WEEKLY
    assert p.day == occ[-1].day + timedelta(days=7)


def test_jitter_is_averaged_where_the_last_interval_is_not():
    occ = history(7, 8, jitter={7: -2})  # last order came two days early
    p = predict_next(occ, occ[-1].day)
    assert p is not None
    truth = D0 + timedelta(days=8 * 7)
    assert abs((p.day - truth).days) < abs((naive_next(occ, occ[-1].day) - truth).days)


def test_overdue_retailer_is_expected_on_the_next_cycle():
    occ = history(7, 6)
    after = occ[-1].day + timedelta(days=10)
    p = predict_next(occ, after)
    assert p is not None and p.day == occ[-1].day + timedelta(days=14)


def test_too_little_history():
    assert predict_next(history(7, 2), D0) is None
    assert naive_next(history(7, 1), D0) is None


def test_classes():
    assert frequency_class(1) is Frequency.DAILY
    assert frequency_class(14) is Frequency.FORTNIGHTLY
    assert frequency_class(30) is Frequency.MONTHLY
    assert frequency_class(20) is Frequency.IRREGULAR
    assert frequency_class(7, scatter=0.5) is Frequency.IRREGULAR


def test_same_day_orders_are_one_occasion():
    occ = occasions_of([(D0, {"a": D(1)}), (D0, {"a": D(2), "b": D(1)}), (D0 - timedelta(days=7), {"a": D(1)})])
    assert [o.day for o in occ] == [D0 - timedelta(days=7), D0]
    assert occ[-1].basket == {"a": D(3), "b": D(1)}


def test_basket_follows_drift_and_drops_one_offs():
    occ = [Occasion(D0 + timedelta(days=7 * i), b) for i, b in enumerate([
        {"old": D(1)}, {"old": D(1)}, {"old": D(1), "new": D(3)}, {"new": D(4), "once": D(1)},
        {"new": D(5)}, {"new": D(4), "rice": D(2)}, {"rice": D(2)}])]
    assert predict_basket(occ) == {"new": D(4), "rice": D(2)}
    assert naive_basket(occ) == {"rice": D(2)}


days = st.lists(st.integers(0, 400), min_size=0, max_size=30)


@given(days, st.integers(0, 500))
def test_prediction_is_after_the_cutoff_and_inside_its_interval(offsets, after_offset):
    occ = occasions_of((D0 + timedelta(days=o), {"x": D(1)}) for o in offsets)
    after = D0 + timedelta(days=after_offset)
    p = predict_next(occ, after)
    if len(occ) < 3:
        assert p is None
        return
    assert p is not None
    assert p.day > after or p.day == after  # rounding of a fractional day may land on the cutoff
    assert p.earliest <= p.day <= p.latest
    assert p.period_days > 0


@given(st.lists(st.dictionaries(st.sampled_from("abcdef"), st.integers(1, 9).map(D), min_size=1), min_size=1))
def test_basket_items_come_from_recent_orders(baskets):
    occ = [Occasion(D0 + timedelta(days=i), b) for i, b in enumerate(baskets)]
    predicted = predict_basket(occ)
    recent = set().union(*(o.basket for o in occ[-4:]))
    assert set(predicted) <= recent
    for sku, qty in predicted.items():
        quantities = [o.basket[sku] for o in occ[-4:] if sku in o.basket]
        assert min(quantities) <= qty <= max(quantities)


def test_a_day_overdue_is_late_not_skipped():
    occ = history(7, 8)
    due = occ[-1].day + timedelta(days=7)
    p = predict_next(occ, due, grace=0.2)  # due today, not come yet: tomorrow, not next week
    assert p is not None and p.day == due + timedelta(days=1)
    assert predict_next(occ, due, grace=0.0).day == due + timedelta(days=7)


def test_a_holiday_moves_the_order_a_day_on():
    occ = history(7, 8)
    due = occ[-1].day + timedelta(days=7)
    p = predict_next(occ, occ[-1].day, holidays={due})
    assert p is not None and p.day == due + timedelta(days=1)
