import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.credit_scorecard import PRIOR, WEIGHTS, ScorecardInputs, regularity, scorecard

GOOD = ScorecardInputs(on_time=20, late=0, utilisation=0.2, order_gaps_days=[7, 7, 7, 7], orders=20, disputes=0)


def test_good_retailer_scores_high_and_each_factor_counts():
    card = scorecard(GOOD)
    assert list(card.factors) == list(WEIGHTS)
    assert card.score > 90
    worse = [
        ScorecardInputs(5, 15, 0.2, [7, 7, 7, 7], 20, 0),
        ScorecardInputs(20, 0, 1.0, [7, 7, 7, 7], 20, 0),
        ScorecardInputs(20, 0, 0.2, [1, 20, 3, 30], 20, 0),
        ScorecardInputs(20, 0, 0.2, [7, 7, 7, 7], 20, 4),
    ]
    for inputs in worse:
        assert scorecard(inputs).score < card.score


def test_new_retailer_gets_the_prior():
    card = scorecard(ScorecardInputs(0, 0, 0.0, [], 0, 0))
    assert card.factors["punctuality"] == PRIOR and card.factors["regularity"] == PRIOR
    assert regularity([7, 7]) == PRIOR


def test_negative_counts_rejected():
    with pytest.raises(ValueError):
        scorecard(ScorecardInputs(-1, 0, 0.0, [], 0, 0))


n = st.integers(0, 500)


@given(n, n, st.floats(0, 3), st.lists(st.floats(0.5, 90), max_size=20), n, n)
def test_score_and_factors_in_range(on_time, late, util, gaps, orders, disputes):
    card = scorecard(ScorecardInputs(on_time, late, util, gaps, orders, disputes))
    assert 0 <= card.score <= 100
    assert all(0 <= f <= 1 for f in card.factors.values())


@given(n, n)
def test_one_more_late_payment_never_helps(on_time, late):
    base = scorecard(ScorecardInputs(on_time, late, 0.3, [7, 7, 8], 10, 0)).score
    assert scorecard(ScorecardInputs(on_time, late + 1, 0.3, [7, 7, 8], 10, 0)).score <= base
