"""The OR-Tools plan: every order planned or carried, capacities, stop limits and windows kept, and
no worse than the baselines it replaces."""

from __future__ import annotations

import time

from hypothesis import given, settings

from domain.delivery import Job, Point, Vehicle, greedy_batches, minutes_of, one_trip_per_stop, problem_for
from routing.solver import solve
from tests.domain.test_delivery import DEPOT, fleets, generated, jobs


@settings(max_examples=40, deadline=None)
@given(jobs, fleets)
def test_every_order_is_planned_or_carried_within_capacity_stops_and_windows(raw, fleet) -> None:
    p = generated(raw, fleet)
    plan = solve(p, time_limit_s=0.05)
    planned = [o for r in plan.routes for v in r.visits for o in v.stop.order_ids]
    assert sorted(planned + [o for s in plan.carried for o in s.order_ids]) == [1000 + i for i in range(len(raw))]
    for route in plan.routes:
        assert route.weight_kg <= route.vehicle.capacity_kg + 1e-6
        assert route.vehicle.max_stops is None or len(route.visits) <= route.vehicle.max_stops
        assert route.leaves >= p.starts and route.returns <= p.ends + 1e-6
        assert all(not v.late and v.eta <= v.stop.closes + 1e-6 for v in route.visits)


def test_batching_beats_one_trip_per_order_and_greedy_on_a_cluster() -> None:
    centres = [(27.7154, 85.3123), (27.6915, 85.3420), (27.6727, 85.3253), (27.7177, 85.3466)]
    js = [Job(i, i, Point(centres[i % 4][0] + (i % 7) / 1000, centres[i % 4][1] + (i % 5) / 1000), 30)
          for i in range(40)]
    p = problem_for(DEPOT, js, [Vehicle(1, "truck", 1500), Vehicle(2, "van", 500)], starts=480, ends=1140)
    best, greedy, single = solve(p, 0.5), greedy_batches(p), one_trip_per_stop(p)
    assert not best.carried and best.late == 0
    assert best.km <= 0.5 * single.km
    assert best.km <= greedy.km + 1e-6


def test_200_orders_and_5_vehicles_plan_within_2_seconds() -> None:
    js = [Job(i, i, Point(27.62 + (i * 37 % 160) / 1000, 85.26 + (i * 53 % 180) / 1000), 25 + i % 30,
              minutes_of("09:00") if i % 4 == 0 else 480, minutes_of("13:00") if i % 4 == 0 else 1140)
          for i in range(200)]
    started = time.perf_counter()
    p = problem_for(DEPOT, js, [Vehicle(i, f"v{i}", 1500) for i in range(5)], starts=480, ends=1140)
    plan = solve(p, time_limit_s=1.0)
    assert time.perf_counter() - started <= 2.0
    assert len(plan.carried) < 200
