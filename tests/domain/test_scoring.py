from decimal import Decimal as D

import pytest

from domain.metrics import Grade
from domain.scoring import (
    CREDIT_WEIGHTS,
    NEUTRAL,
    VENDOR_WEIGHTS,
    CreditInputs,
    RiskLevel,
    VendorMetrics,
    VendorTier,
    blend,
    falling,
    score_credit,
    score_vendor,
    smooth,
    suggest_limit,
)

NEW_VENDOR = VendorMetrics(0, 0, 0, 0, None, 0, 0, 0, None)
STAR_VENDOR = VendorMetrics(
    offers=200,
    accepted=190,
    rejected=8,
    expired=2,
    avg_response_seconds=90,
    on_time_deliveries=185,
    deliveries=188,
    cancellations=2,
    price_index=0.92,
)
BAD_VENDOR = VendorMetrics(
    offers=100,
    accepted=20,
    rejected=30,
    expired=50,
    avg_response_seconds=2400,
    on_time_deliveries=5,
    deliveries=18,
    cancellations=8,
    price_index=1.2,
)


@pytest.mark.parametrize("weights", [VENDOR_WEIGHTS, CREDIT_WEIGHTS])
def test_weights_sum_to_one(weights):
    assert sum(weights.values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("value", "best", "worst", "expected"),
    [
        (60, 120, 1800, 1.0),
        (120, 120, 1800, 1.0),
        (960, 120, 1800, 0.5),
        (1800, 120, 1800, 0.0),
        (5000, 120, 1800, 0.0),
    ],
)
def test_falling(value, best, worst, expected):
    assert falling(value, best, worst) == pytest.approx(expected)


def test_smoothing_starts_neutral_and_converges():
    assert smooth(0, 0) == pytest.approx(NEUTRAL)
    assert blend(1.0, 0) == pytest.approx(NEUTRAL)
    assert smooth(1, 1) < smooth(100, 100) < 1.0
    assert smooth(100, 100) == pytest.approx(1.0, abs=0.03)
    assert smooth(0, 100) == pytest.approx(0.0, abs=0.03)


def test_new_vendor_gets_the_neutral_prior():
    result = score_vendor(NEW_VENDOR)
    assert result.score == pytest.approx(100 * NEUTRAL)
    assert set(result.components) == set(VENDOR_WEIGHTS)
    assert all(v == pytest.approx(NEUTRAL) for v in result.components.values())
    assert (result.tier, result.grade) == (VendorTier.AVERAGE, Grade.C)


def test_star_and_bad_vendors():
    star, bad = score_vendor(STAR_VENDOR), score_vendor(BAD_VENDOR)
    assert star.tier is VendorTier.EXCELLENT and star.score >= 85
    assert bad.tier is VendorTier.POOR and bad.score < 50
    assert bad.grade is Grade.F
    for result in (star, bad):
        assert 0 <= result.score <= 100
        assert all(0 <= v <= 1 for v in result.components.values())
        assert result.score == round(result.score, 1)


def test_score_is_the_weighted_sum_of_components():
    result = score_vendor(STAR_VENDOR)
    expected = 100 * sum(VENDOR_WEIGHTS[k] * v for k, v in result.components.items())
    assert result.score == pytest.approx(expected, abs=0.05)


@pytest.mark.parametrize(
    ("better", "worse"),
    [
        ({"accepted": 90}, {"accepted": 60}),
        ({"avg_response_seconds": 100}, {"avg_response_seconds": 1000}),
        ({"price_index": 0.95}, {"price_index": 1.05}),
        ({"on_time_deliveries": 80}, {"on_time_deliveries": 40}),
        ({"cancellations": 0}, {"cancellations": 10}),
    ],
)
def test_each_component_moves_the_score(better, worse):
    base = {
        "offers": 100,
        "accepted": 75,
        "rejected": 20,
        "expired": 5,
        "avg_response_seconds": 600,
        "on_time_deliveries": 60,
        "deliveries": 80,
        "cancellations": 3,
        "price_index": 1.0,
    }
    assert (
        score_vendor(VendorMetrics(**{**base, **better})).score
        > score_vendor(VendorMetrics(**{**base, **worse})).score
    )


def test_little_history_stays_near_neutral():
    one_perfect_offer = VendorMetrics(1, 1, 0, 0, 30, 1, 1, 0, None)
    assert 60 < score_vendor(one_perfect_offer).score < score_vendor(STAR_VENDOR).score


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="offers"):
        score_vendor(VendorMetrics(-1, 0, 0, 0, None, 0, 0, 0, None))
    with pytest.raises(ValueError, match="late_payments"):
        score_credit(CreditInputs(0, -2, None, 0, 0, 0.0, 0))


NEW_ACCOUNT = CreditInputs(0, 0, None, 0, 0, 0.0, 0)
GOOD_PAYER = CreditInputs(40, 1, 5, 20, 18, 0.3, 400)
BAD_PAYER = CreditInputs(3, 12, 50, 2, 10, 0.98, 60)


@pytest.mark.parametrize(
    ("inputs", "risk"),
    [(NEW_ACCOUNT, RiskLevel.MEDIUM), (GOOD_PAYER, RiskLevel.LOW), (BAD_PAYER, RiskLevel.HIGH)],
)
def test_credit_risk(inputs, risk):
    result = score_credit(inputs)
    assert result.risk is risk
    assert 0 <= result.score <= 100
    assert set(result.components) == set(CREDIT_WEIGHTS)


@pytest.mark.parametrize(
    ("last", "prev", "activity"),
    [(0, 0, 0.5), (10, 10, 0.5), (15, 10, 0.75), (20, 10, 1.0), (5, 0, 1.0), (0, 10, 0.0), (5, 10, 0.25)],
)
def test_activity_component(last, prev, activity):
    result = score_credit(CreditInputs(0, 0, None, last, prev, 0.0, 0))
    assert result.components["activity"] == pytest.approx(activity)


@pytest.mark.parametrize(
    ("utilisation", "expected"), [(0.0, 1.0), (0.5, 1.0), (0.75, 0.5), (1.0, 0.0), (1.4, 0.0)]
)
def test_utilisation_component(utilisation, expected):
    result = score_credit(CreditInputs(0, 0, None, 0, 0, utilisation, 0))
    assert result.components["utilisation"] == pytest.approx(expected)


BOUNDS = (D("5000.00"), D("50000.00"))
STEP = D("2500.00")


@pytest.mark.parametrize(
    ("current", "score", "expected"),
    [
        ("20000", 80, "22500.00"),  # good score: one step up
        ("20000", 75, "22500.00"),  # threshold is inclusive
        ("20000", 60, "20000.00"),  # middle: unchanged
        ("20000", 44.9, "17500.00"),  # poor: one step down
        ("49000", 90, "50000.00"),  # capped at the maximum
        ("6000", 10, "5000.00"),  # floored at the minimum
        ("80000", 60, "50000.00"),  # out-of-bounds limits are pulled back in
    ],
)
def test_suggest_limit(current, score, expected):
    assert suggest_limit(D(current), score, BOUNDS, STEP) == D(expected)


def test_suggest_limit_validates_bounds_and_step():
    with pytest.raises(ValueError):
        suggest_limit(D(1000), 80, (D(10), D(5)), STEP)
    with pytest.raises(ValueError):
        suggest_limit(D(1000), 80, BOUNDS, D(0))
