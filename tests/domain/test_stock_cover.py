from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.stock_cover import alert_due, cover_days, daily_rate, rearmed, reorder_quantity


def test_cover_and_reorder():
    rate = daily_rate(D(70), 14)
    assert rate == D(5)
    assert cover_days(D(12), rate) == D("2.4")
    assert reorder_quantity(D(12), rate, 14, pack=D(10)) == D(60)   # 58 short -> 6 cartons of 10
    assert reorder_quantity(D(100), rate, 14) == 0
    assert cover_days(D(12), D(0)) is None


def test_bad_window_or_pack():
    with pytest.raises(ValueError):
        daily_rate(D(1), 0)
    with pytest.raises(ValueError):
        reorder_quantity(D(1), D(1), 7, pack=D(0))


def test_alert_once_per_shortage():
    alerted, sent = False, 0
    for cover in [D(5), D(2), D("1.5"), D(1), D(4), D(2)]:
        if alert_due(cover, D(3), alerted):
            sent, alerted = sent + 1, True
        elif rearmed(cover, D(3)):
            alerted = False
    assert sent == 2  # one when it fell to 2, one after it recovered to 4 and fell again


qty = st.decimals(min_value=0, max_value=10000, places=1)


@given(qty, st.decimals(min_value=D("0.1"), max_value=500, places=1), st.integers(1, 60),
       st.sampled_from([D(1), D(6), D(12), D("0.5")]))
def test_reorder_reaches_target_in_whole_packs(stock, rate, target, pack):
    q = reorder_quantity(stock, rate, target, pack)
    assert q >= 0 and (q / pack) == (q / pack).to_integral_value()
    assert stock + q >= rate * target
    assert q < pack or stock + q - pack < rate * target   # one pack fewer would not do
