from decimal import Decimal as D

import pytest

from domain.vendor_selection import (
    DEFAULT_WEIGHTS,
    SelectionWeights,
    VendorAssignment,
    VendorCandidate,
    merge_items,
    plan_allocation,
    rank_vendors,
)

RICE, OIL, SUGAR, SALT = "RICE-25", "OIL-1L", "SUGAR-1", "SALT-1"


def vendor(vendor_id, score=80.0, active=0, capacity=10, distance=None, stock=None, prices=None):
    stock = {RICE: None, OIL: None, SUGAR: None, SALT: None} if stock is None else stock
    return VendorCandidate(vendor_id, score, active, capacity, distance, stock, prices or {})


def ids(ranked):
    return [r.vendor_id for r in ranked]


def test_higher_score_ranks_first():
    ranked = rank_vendors([vendor(1, score=60), vendor(2, score=90)], [(RICE, D(1))])
    assert ids(ranked) == [2, 1]
    assert ranked[0].components["score"] == pytest.approx(0.9)


def test_load_lowers_rank_and_full_vendors_are_skipped():
    candidates = [vendor(1, active=8), vendor(2, active=2), vendor(3, active=10), vendor(4, active=12)]
    ranked = rank_vendors(candidates, [(RICE, D(1))])
    assert ids(ranked) == [2, 1]
    assert ranked[0].components["load"] == pytest.approx(0.8)


def test_load_can_outweigh_a_slightly_better_score():
    busy_star = vendor(1, score=90, active=9)
    idle = vendor(2, score=80, active=0)
    assert ids(rank_vendors([busy_star, idle], [(RICE, D(1))])) == [2, 1]


@pytest.mark.parametrize(
    ("distance", "expected"),
    [(0.0, 1.0), (5.0, 0.75), (20.0, 0.0), (50.0, 0.0), (None, DEFAULT_WEIGHTS.unknown)],
)
def test_distance_component(distance, expected):
    (ranked,) = rank_vendors([vendor(1, distance=distance)], [(RICE, D(1))])
    assert ranked.components["distance"] == pytest.approx(expected)


def test_nearer_vendor_wins_when_all_else_is_equal():
    assert ids(rank_vendors([vendor(1, distance=15), vendor(2, distance=2)], [(RICE, D(1))])) == [2, 1]


def test_price_component_is_relative_to_the_cheapest():
    cheap = vendor(1, prices={RICE: D(100), OIL: D(200)})
    dear = vendor(2, prices={RICE: D(125), OIL: D(200)})
    unpriced = vendor(3)
    ranked = {r.vendor_id: r for r in rank_vendors([cheap, dear, unpriced], [(RICE, D(1)), (OIL, D(1))])}
    assert ranked[1].components["price"] == pytest.approx(1.0)
    assert ranked[2].components["price"] == pytest.approx((0.8 + 1.0) / 2)
    assert ranked[3].components["price"] == pytest.approx(DEFAULT_WEIGHTS.unknown)
    assert ranked[1].rank_score > ranked[2].rank_score


def test_stock_rules():
    candidate = vendor(1, stock={RICE: D(5), OIL: None, SUGAR: D(0)})
    assert candidate.can_fill(RICE, D(5))
    assert not candidate.can_fill(RICE, D("5.5"))
    assert candidate.can_fill(OIL, D(10_000))  # listed, untracked: available
    assert not candidate.can_fill(SUGAR, D(1))
    assert not candidate.can_fill(SALT, D(1))  # not listed
    (ranked,) = rank_vendors([candidate], [(RICE, D(2)), (OIL, D(1)), (SUGAR, D(1)), (SALT, D(1))])
    assert ranked.fills == {RICE, OIL}


def test_vendors_that_fill_nothing_or_are_excluded_are_left_out():
    candidates = [vendor(1, stock={SALT: None}), vendor(2), vendor(3)]
    assert ids(rank_vendors(candidates, [(RICE, D(1))], exclude={3})) == [2]


def test_ties_are_broken_by_vendor_id():
    assert ids(rank_vendors([vendor(9), vendor(4), vendor(6)], [(RICE, D(1))])) == [4, 6, 9]


def test_custom_weights_change_the_order():
    near_low = vendor(1, score=50, distance=0)
    far_high = vendor(2, score=95, distance=10)
    items = [(RICE, D(1))]
    assert ids(rank_vendors([near_low, far_high], items)) == [2, 1]
    distance_only = SelectionWeights(score=0, load=0, distance=1, price=0)
    assert ids(rank_vendors([near_low, far_high], items, distance_only)) == [1, 2]


def test_merge_items_sums_repeats_in_first_seen_order():
    assert merge_items([(OIL, D(1)), (RICE, D(2)), (OIL, D(3))]) == [(OIL, D(4)), (RICE, D(2))]
    with pytest.raises(ValueError):
        merge_items([(OIL, D(0))])


def test_plan_single_vendor_when_one_can_fill_everything():
    items = [(RICE, D(2)), (OIL, D(5))]
    best_partial = vendor(1, score=99, stock={RICE: None})
    full = vendor(2, score=70)
    allocation = plan_allocation(items, [best_partial, full])
    assert allocation.assignments == (VendorAssignment(2, ((RICE, D(2)), (OIL, D(5)))),)
    assert allocation.is_complete and not allocation.is_split
    assert allocation.unfillable == ()


def test_plan_split_uses_fewest_vendors_then_best_rank():
    items = [(RICE, D(1)), (OIL, D(1)), (SUGAR, D(1)), (SALT, D(1))]
    candidates = [
        vendor(1, score=95, stock={RICE: None}),
        vendor(2, score=60, stock={OIL: None, SUGAR: None, SALT: None}),
        vendor(3, score=70, stock={RICE: None, OIL: None}),
    ]
    allocation = plan_allocation(items, candidates)
    assert allocation.vendor_ids == (2, 1)  # 2 covers three items; rice goes to the better-ranked 1
    assert allocation.assignments[0].items == ((OIL, D(1)), (SUGAR, D(1)), (SALT, D(1)))
    assert allocation.assignments[1].items == ((RICE, D(1)),)
    assert allocation.is_split and allocation.is_complete


def test_plan_lists_unfillable_items():
    items = [(RICE, D(1)), (SALT, D(3))]
    allocation = plan_allocation(items, [vendor(1, stock={RICE: D(10), SALT: D(2)})])
    assert allocation.vendor_ids == (1,)
    assert allocation.unfillable == ((SALT, D(3)),)
    assert not allocation.is_complete


def test_plan_merges_repeated_items_before_checking_stock():
    allocation = plan_allocation([(RICE, D(3)), (RICE, D(3))], [vendor(1, stock={RICE: D(5)})])
    assert allocation.assignments == ()
    assert allocation.unfillable == ((RICE, D(6)),)


def test_plan_respects_exclude_and_capacity():
    items = [(RICE, D(1))]
    candidates = [vendor(1), vendor(2, active=10), vendor(3)]
    assert plan_allocation(items, candidates, exclude={1}).vendor_ids == (3,)
    nobody = plan_allocation(items, candidates, exclude={1, 3})
    assert nobody.assignments == () and nobody.unfillable == ((RICE, D(1)),)
    assert not nobody.is_complete


def test_plan_with_no_candidates():
    allocation = plan_allocation([(RICE, D(1)), (OIL, D(2))], [])
    assert allocation.unfillable == ((RICE, D(1)), (OIL, D(2)))
