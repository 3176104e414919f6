"""Delivery rules without a solver: merging, timing, the baselines and the plan check."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.delivery import (
    Job,
    Plan,
    Point,
    Vehicle,
    check_plan,
    greedy_batches,
    hhmm,
    merge_stops,
    minutes_of,
    one_trip_per_stop,
    problem_for,
    time_route,
)
from domain.weights import unit_weight_kg

DEPOT = Point(27.6984, 85.2995)  # Kalimati


def job(order_id: int, shop: int, lat: float, lon: float, kg: float = 20, opens: str = "08:00",
        closes: str = "19:00") -> Job:
    return Job(order_id, shop, Point(lat, lon), kg, minutes_of(opens), minutes_of(closes))


def test_orders_to_one_shop_are_one_stop_within_both_windows() -> None:
    stops = merge_stops([job(1, 7, 27.71, 85.31, 10, "09:00", "17:00"), job(2, 8, 27.70, 85.32),
                         job(3, 7, 27.71, 85.31, 15, "10:00", "19:00")])
    assert [(s.shop_id, s.order_ids, s.weight_kg, hhmm(s.opens), hhmm(s.closes)) for s in stops] == [
        (7, (1, 3), 25, "10:00", "17:00"), (8, (2,), 20, "08:00", "19:00")]


def test_a_route_waits_for_a_shop_to_open_and_flags_a_late_arrival() -> None:
    p = problem_for(DEPOT, [job(1, 1, 27.7154, 85.3123, opens="10:00"), job(2, 2, 27.6722, 85.4279, closes="10:05")],
                    [Vehicle(1, "van", 500)], starts=minutes_of("08:00"), ends=minutes_of("19:00"))
    route = time_route(p, p.vehicles[0], [0, 1])
    first, second = route.visits
    assert first.eta == pytest.approx(minutes_of("10:00")) and not first.late
    assert second.eta > minutes_of("10:05") and second.late
    assert route.km == pytest.approx(p.km[0][1] + p.km[1][2] + p.km[2][0])


def test_one_trip_per_stop_drives_out_and_back_each_time() -> None:
    p = problem_for(DEPOT, [job(i, i, 27.70 + i / 200, 85.31) for i in range(4)], [Vehicle(1, "van", 500)],
                    starts=480, ends=1140)
    plan = one_trip_per_stop(p)
    assert len(plan.routes) == 4
    assert plan.km == pytest.approx(sum(2 * p.km[0][i + 1] for i in range(4)))
    assert greedy_batches(p).km < plan.km


def test_check_plan_sees_a_lost_stop_and_an_overload() -> None:
    p = problem_for(DEPOT, [job(1, 1, 27.71, 85.31, 400), job(2, 2, 27.72, 85.31, 400)], [Vehicle(1, "van", 500)],
                    starts=480, ends=1140)
    overloaded = Plan((time_route(p, p.vehicles[0], [0, 1]),))
    lost = Plan((time_route(p, p.vehicles[0], [0]),))
    assert check_plan(p, overloaded) == ["van over capacity"]
    assert check_plan(p, lost) == ["every stop planned or carried exactly once"]


@pytest.mark.parametrize(("unit", "name", "weight"), [
    ("sack", "Sugar 50 kg sack", 50), ("sack", "Atta 25 kg sack", 25), ("kg", "Sugar (loose)", 1),
    ("crate", "Coca-Cola 250 ml crate (24 bottles)", 6.9), ("crate", "Egg crate (30 eggs)", 7),
    ("packet", "Wai Wai", 0.5), ("l", "Milk", 1)])
def test_unit_weights_default_from_the_unit_and_the_pack(unit: str, name: str, weight: float) -> None:
    assert unit_weight_kg(unit, name) == pytest.approx(weight)
    assert unit_weight_kg(unit, name, 3.5) == 3.5


points = st.builds(Point, st.floats(27.60, 27.78), st.floats(85.25, 85.45))
jobs = st.lists(st.tuples(st.integers(0, 15), points, st.floats(1, 600), st.sampled_from(
    [("08:00", "19:00"), ("09:00", "12:00"), ("14:00", "18:00"), ("18:30", "19:00")])), max_size=25)
fleets = st.lists(st.tuples(st.sampled_from([500, 1500]), st.one_of(st.none(), st.integers(1, 8))),
                  min_size=1, max_size=4)


def generated(raw, fleet):
    shop_points: dict[int, Point] = {}
    js = [Job(1000 + i, shop, shop_points.setdefault(shop, pt), kg, minutes_of(a), minutes_of(b))
          for i, (shop, pt, kg, (a, b)) in enumerate(raw)]
    vehicles = [Vehicle(i, f"v{i}", cap, stops) for i, (cap, stops) in enumerate(fleet)]
    return problem_for(DEPOT, js, vehicles, starts=480, ends=1140)


@settings(max_examples=60, deadline=None)
@given(jobs, fleets)
def test_greedy_plans_or_carries_every_order_within_capacity_and_windows(raw, fleet) -> None:
    p = generated(raw, fleet)
    plan = greedy_batches(p)
    assert check_plan(p, plan) == []
    assert plan.late == 0
    assert all(r.returns <= p.ends + 1e-6 for r in plan.routes)
    planned = [o for r in plan.routes for v in r.visits for o in v.stop.order_ids]
    assert sorted(planned + [o for s in plan.carried for o in s.order_ids]) == [1000 + i for i in range(len(raw))]


def test_the_catalogue_weight_column_is_optional_and_checked() -> None:
    from domain.catalog import CatalogRowError, product_from_row

    row = {"sku": "ATTA-25", "name": "Atta 25 kg sack", "unit": "sack", "price": "1900"}
    assert product_from_row(row).weight_kg is None
    assert str(product_from_row({**row, "weight_kg": "25.2"}).weight_kg) == "25.200"
    for bad in ("heavy", "0", "-3", "NaN", "1e9"):
        with pytest.raises(CatalogRowError, match="weight_kg"):
            product_from_row({**row, "weight_kg": bad})
