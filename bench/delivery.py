"""A synthetic delivery day in the Kathmandu valley, planned three ways.

500 shops around real neighbourhood centres, 8 vendors with depots, 600 accepted orders with
grocery-wholesale weights and receiving hours, vans of 500 kg and trucks of 1,500 kg; planned as one
trip per order, as greedy nearest-neighbour batches, and with OR-Tools. Fixed seed; no database.

    .venv/bin/python bench/delivery.py [--seed 17] [--time-limit 1.0]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.delivery import (
    Job,
    Plan,
    Point,
    Problem,
    Vehicle,
    check_plan,
    greedy_batches,
    minutes_of,
    one_trip_per_stop,
    problem_for,
)
from routing.solver import solve

NEIGHBOURHOODS = {  # approximate centres (lat, lon)
    "Thamel": (27.7154, 85.3123), "New Baneshwor": (27.6915, 85.3420), "Patan": (27.6727, 85.3253),
    "Bhaktapur": (27.6722, 85.4279), "Kirtipur": (27.6783, 85.2775), "Koteshwor": (27.6788, 85.3495),
    "Kalanki": (27.6933, 85.2812), "Balaju": (27.7346, 85.3035), "Chabahil": (27.7177, 85.3466),
    "Boudha": (27.7215, 85.3620), "Kalimati": (27.6984, 85.2995), "Maharajgunj": (27.7369, 85.3304),
    "Jawalakhel": (27.6727, 85.3142), "Lagankhel": (27.6667, 85.3239), "Gongabu": (27.7350, 85.3150),
    "Kapan": (27.7342, 85.3647), "Thimi": (27.6810, 85.3870), "Satdobato": (27.6585, 85.3247),
}
DEPOTS = {"Kalimati": (27.6984, 85.2995), "Balkhu": (27.6848, 85.2977), "Teku": (27.6960, 85.3030),
          "Gongabu": (27.7350, 85.3150), "Koteshwor": (27.6788, 85.3495), "Thimi": (27.6810, 85.3870),
          "Satdobato": (27.6585, 85.3247), "Chabahil": (27.7177, 85.3466)}
WINDOWS = [(("09:00", "19:00"), 0.6), (("09:00", "12:00"), 0.25), (("14:00", "18:00"), 0.15)]
DAY = (minutes_of("08:00"), minutes_of("19:00"))
FLEET = [1500, 1500, 500, 500]


def synthetic_day(seed: int) -> list[tuple[str, Problem, Problem]]:
    """(vendor, problem with every order its own stop, problem with orders merged by shop) per vendor."""
    rng = random.Random(seed)
    names = list(NEIGHBOURHOODS)
    shops = []
    for shop_id in range(500):
        lat, lon = NEIGHBOURHOODS[rng.choice(names)]
        point = Point(lat + rng.gauss(0, 0.006), lon + rng.gauss(0, 0.006))   # ~0.6 km spread
        (opens, closes), = rng.choices([w for w, _ in WINDOWS], [p for _, p in WINDOWS])
        shops.append((shop_id, point, minutes_of(opens), minutes_of(closes)))
    depots = {name: Point(*ll) for name, ll in DEPOTS.items()}
    per_vendor: dict[str, list[Job]] = {name: [] for name in depots}
    for order_id in range(600):
        shop_id, point, opens, closes = rng.choice(shops)
        # shops buy mostly from nearby wholesalers
        near = sorted(depots, key=lambda d: (depots[d].lat - point.lat) ** 2 + (depots[d].lon - point.lon) ** 2)
        vendor = near[0] if rng.random() < 0.5 else rng.choice(near[:4])
        weight = min(400.0, max(5.0, rng.lognormvariate(3.5, 0.7)))   # median ~33 kg: sacks, crates, cartons
        per_vendor[vendor].append(Job(1000 + order_id, shop_id, point, round(weight, 1), opens, closes))
    day = []
    for vendor, jobs in per_vendor.items():
        vehicles = [Vehicle(i, f"{vendor}-{cap}kg-{i}", cap) for i, cap in enumerate(FLEET)]
        kwargs = {"starts": DAY[0], "ends": DAY[1]}
        day.append((vendor, problem_for(depots[vendor], jobs, vehicles, merge=False, **kwargs),
                    problem_for(depots[vendor], jobs, vehicles, **kwargs)))
    return day


def measure(day: list[tuple[str, Problem, Problem]], plan: Callable[[Problem], Plan], merged: bool) -> dict[str, float]:
    km = hours = late = runs = stops = orders = carried = same_orders_single_km = 0.0
    seconds = 0.0
    for _, single, together in day:
        problem = together if merged else single
        started = time.perf_counter()
        result = plan(problem)
        seconds += time.perf_counter() - started
        assert not check_plan(problem, result), check_plan(problem, result)
        km += result.km
        hours += result.vehicle_hours
        late += result.late
        runs += len(result.routes)
        stops += sum(len(r.visits) for r in result.routes)
        orders += sum(len(v.stop.order_ids) for r in result.routes for v in r.visits)
        carried += sum(len(s.order_ids) for s in result.carried)
        delivered = {o for r in result.routes for v in r.visits for o in v.stop.order_ids}
        same_orders_single_km += sum(2 * single.km[0][i + 1] for i, s in enumerate(single.stops)
                                     if s.order_ids[0] in delivered)
    return {"km": km, "hours": hours, "late": late, "runs": runs, "stops_per_run": stops / max(runs, 1),
            "orders": orders, "carried": carried, "seconds": seconds, "same_orders_single_km": same_orders_single_km}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--time-limit", type=float, default=1.0, help="OR-Tools seconds per vendor")
    args = parser.parse_args()
    day = synthetic_day(args.seed)
    rows = {"one trip per order": measure(day, one_trip_per_stop, merged=False),
            "greedy nearest-neighbour batches": measure(day, greedy_batches, merged=True),
            "OR-Tools CVRPTW": measure(day, lambda p: solve(p, args.time_limit), merged=True)}
    base, greedy, best = rows["one trip per order"], rows["greedy nearest-neighbour batches"], rows["OR-Tools CVRPTW"]
    print(f"seed {args.seed}: 500 shops, 8 vendors, 600 orders, {len(FLEET)} vehicles each "
          f"({'+'.join(str(c) for c in FLEET)} kg), 08:00-19:00, 20 km/h, road factor 1.4, 10 min a stop\n")
    print("| plan | total km | vehicle-hours | runs | stops per run | orders delivered | carried | late stops "
          "| planning time |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['km']:,.1f} | {r['hours']:,.1f} | {r['runs']:.0f} | {r['stops_per_run']:.1f} "
              f"| {r['orders']:.0f} | {r['carried']:.0f} | {r['late']:.0f} | {r['seconds']:.2f} s |")
    saving = 1 - best["km"] / base["km"]
    fair = 1 - best["km"] / best["same_orders_single_km"]
    print(f"\nOR-Tools vs one trip per order: {saving:.1%} fewer km ({fair:.1%} against one trip for just the "
          f"{best['orders']:.0f} orders it delivered); vs greedy: "
          f"{1 - best['km'] / greedy['km']:.1%} fewer km, {best['carried']:.0f} vs {greedy['carried']:.0f} carried")

    big = [s for _, _, p in day for s in p.stops][:200]
    depot = day[0][2].depot
    problem = problem_for(depot, [Job(s.order_ids[0], i, s.point, min(s.weight_kg, 60), s.opens, s.closes)
                                  for i, s in enumerate(big)],
                          [Vehicle(i, f"v{i}", 1500) for i in range(5)], starts=DAY[0], ends=DAY[1])
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        solve(problem, time_limit_s=1.0)
        timings.append(time.perf_counter() - started)
    print(f"200 orders, 5 vehicles: planned in {statistics.median(timings):.2f} s (median of 3)")
    ok = fair >= 0.5 and best["km"] < greedy["km"] and best["carried"] <= greedy["carried"]
    print("targets met" if ok else "TARGETS MISSED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
