from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from domain.market import PricePoint, is_outlier, prices_at, spread, suggest_retail, trend

NOW = datetime(2026, 6, 30, 9, tzinfo=UTC)


def test_spread():
    s = spread([D("110.00"), D("100.00"), D("104.00")])
    assert s is not None and (s.low, s.median, s.high, s.vendors) == (D(100), D(104), D(110), 3)
    assert spread([]) is None


def test_latest_price_of_each_vendor_counts():
    points = [PricePoint(1, D(100), NOW - timedelta(days=40)), PricePoint(1, D(90), NOW - timedelta(days=3)),
              PricePoint(2, D(120), NOW - timedelta(days=20)), PricePoint(2, D(999), NOW + timedelta(days=1))]
    assert prices_at(points, NOW) == {1: D(90), 2: D(120)}
    assert prices_at(points, NOW - timedelta(days=30)) == {1: D(100)}


def test_trend_is_the_move_of_the_median():
    points = [PricePoint(1, D(100), NOW - timedelta(days=60)), PricePoint(1, D(110), NOW - timedelta(days=2))]
    assert trend(points, NOW, 7) == D("0.1")
    assert trend(points, NOW, 1) == D(0)
    assert trend(points, NOW - timedelta(days=61), 7) is None


def test_outlier():
    assert is_outlier(D(116), D(100), D("0.15"))
    assert not is_outlier(D(115), D(100), D("0.15"))
    assert is_outlier(D(80), D(100), D("0.15"))


def test_suggestion_in_the_band_and_over_the_floor():
    m, floor, band = D("0.10"), D("0.03"), D("0.05")
    assert suggest_retail(D(100), D(110), m, floor, band) == D(110)       # usual margin, at the market
    assert suggest_retail(D(90), D(110), m, floor, band) == D("104.50")   # cheap cost: up to market − 5 %
    assert suggest_retail(D(100), D(100), m, floor, band) == D(105)       # dear market: capped at + 5 %
    assert suggest_retail(D(100), D(90), m, floor, band) == D(103)        # the floor beats the band
    assert suggest_retail(D(100), None, m, floor, band) == D(110)


money = st.decimals(min_value=1, max_value=100000, places=2)
share = st.decimals(0, 1, places=2)


@given(money, st.none() | money, share, share, st.decimals(0, D("0.5"), places=2))
def test_suggestion_never_below_the_floor_and_in_band_when_it_can_be(cost, market, margin, min_margin, band):
    price = suggest_retail(cost, market, margin, min_margin, band)
    assert price >= cost * (1 + min_margin)
    if market is not None and cost * (1 + min_margin) <= market * (1 - band):
        assert market * (1 - band) - D("0.01") <= price <= market * (1 + band) + D("0.01")


@given(st.lists(money, min_size=1))
def test_spread_is_ordered(prices):
    s = spread(prices)
    assert s is not None and s.low <= s.median <= s.high and s.vendors == len(prices)
