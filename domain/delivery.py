"""Delivery planning rules, without a solver: the problem, merging orders into stops, distances,
the timing of a route, and the two baselines a solver is measured against.

Times are minutes after the local midnight of the planning day; distances kilometres; weights kg.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from domain.geo import haversine_km


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


@dataclass(frozen=True)
class Job:
    """One accepted order to deliver."""
    order_id: int
    shop_id: int
    point: Point
    weight_kg: float
    opens: int = 0                 # the shop's receiving hours
    closes: int = 24 * 60


@dataclass(frozen=True)
class Stop:
    """Every order to one shop, delivered at once."""
    shop_id: int
    point: Point
    order_ids: tuple[int, ...]
    weight_kg: float
    opens: int
    closes: int


@dataclass(frozen=True)
class Vehicle:
    id: int
    name: str
    capacity_kg: float
    max_stops: int | None = None


@dataclass(frozen=True)
class Problem:
    depot: Point
    stops: tuple[Stop, ...]
    vehicles: tuple[Vehicle, ...]
    starts: int                    # the vendor's working hours (or now, when later)
    ends: int
    km: tuple[tuple[float, ...], ...]   # node 0 the depot, node i + 1 stop i
    speed_kmh: float = 20.0
    service_min: float = 10.0

    def minutes(self, a: int, b: int) -> float:
        return self.km[a][b] / self.speed_kmh * 60


@dataclass(frozen=True)
class Visit:
    stop: Stop
    eta: float                     # when the vehicle arrives
    late: bool


@dataclass(frozen=True)
class Route:
    vehicle: Vehicle
    visits: tuple[Visit, ...]
    km: float
    leaves: float
    returns: float

    @property
    def weight_kg(self) -> float:
        return sum(v.stop.weight_kg for v in self.visits)


@dataclass(frozen=True)
class Plan:
    routes: tuple[Route, ...]
    carried: tuple[Stop, ...] = field(default=())   # what did not fit: the next run's

    @property
    def km(self) -> float:
        return sum(r.km for r in self.routes)

    @property
    def vehicle_hours(self) -> float:
        return sum(r.returns - r.leaves for r in self.routes) / 60

    @property
    def late(self) -> int:
        return sum(v.late for r in self.routes for v in r.visits)


DistanceFn = Callable[[Sequence[Point]], list[list[float]]]


def road_km_matrix(points: Sequence[Point], road_factor: float = 1.4) -> list[list[float]]:
    """Haversine distances times a road factor (roads wind; 1.3-1.5 in the valley's grid of lanes)."""
    return [[0.0 if a is b else haversine_km(a.lat, a.lon, b.lat, b.lon) * road_factor for b in points]
            for a in points]


def merge_stops(jobs: Sequence[Job]) -> list[Stop]:
    """One stop per shop, in first-seen order; its window is where the orders' windows overlap."""
    by_shop: dict[int, list[Job]] = {}
    for job in jobs:
        by_shop.setdefault(job.shop_id, []).append(job)
    stops = []
    for shop_id, group in by_shop.items():
        opens, closes = max(j.opens for j in group), min(j.closes for j in group)
        if opens > closes:  # windows that do not overlap: the first order's
            opens, closes = group[0].opens, group[0].closes
        stops.append(Stop(shop_id, group[0].point, tuple(j.order_id for j in group),
                          sum(j.weight_kg for j in group), opens, closes))
    return stops


def problem_for(depot: Point, jobs: Sequence[Job], vehicles: Sequence[Vehicle], *, starts: int, ends: int,
                distances: DistanceFn = road_km_matrix, speed_kmh: float = 20.0, service_min: float = 10.0,
                merge: bool = True) -> Problem:
    stops = merge_stops(jobs) if merge else [Stop(j.shop_id, j.point, (j.order_id,), j.weight_kg, j.opens, j.closes)
                                             for j in jobs]
    matrix = distances([depot, *(s.point for s in stops)])
    return Problem(depot, tuple(stops), tuple(vehicles), starts, ends, tuple(tuple(row) for row in matrix),
                   speed_kmh, service_min)


def time_route(problem: Problem, vehicle: Vehicle, order: Sequence[int], leaves: float | None = None) -> Route:
    """The route through stop indices `order`: leaving the depot so as not to wait at the first stop,
    waiting at a shop that is not open yet, `service_min` at each."""
    if not order:
        start = problem.starts if leaves is None else leaves
        return Route(vehicle, (), 0.0, start, start)
    nodes = [0, *(i + 1 for i in order), 0]
    first = problem.stops[order[0]]
    if leaves is None:
        leaves = max(problem.starts, first.opens - problem.minutes(0, nodes[1]))
    clock, km, visits = leaves, 0.0, []
    for a, b in itertools.pairwise(nodes):
        km += problem.km[a][b]
        clock += problem.minutes(a, b)
        if b:
            stop = problem.stops[b - 1]
            visits.append(Visit(stop, clock, clock > stop.closes + 1e-6))
            clock = max(clock, stop.opens) + problem.service_min
    return Route(vehicle, tuple(visits), km, leaves, clock)


def fits(problem: Problem, vehicle: Vehicle, order: Sequence[int]) -> bool:
    """Capacity, number of stops, every shop's window and the vendor's day."""
    weight = sum(problem.stops[i].weight_kg for i in order)
    if weight > vehicle.capacity_kg + 1e-9 or (vehicle.max_stops is not None and len(order) > vehicle.max_stops):
        return False
    route = time_route(problem, vehicle, order)
    return route.returns <= problem.ends + 1e-6 and not any(v.late for v in route.visits)


def one_trip_per_stop(problem: Problem) -> Plan:
    """The baseline: every stop its own trip out and back, given to whichever vehicle is free first."""
    free = {v.id: float(problem.starts) for v in problem.vehicles}
    routes, carried = [], []
    for i in sorted(range(len(problem.stops)), key=lambda i: problem.stops[i].opens):
        stop = problem.stops[i]
        able = [v for v in problem.vehicles if v.capacity_kg + 1e-9 >= stop.weight_kg]
        if not able:
            carried.append(stop)
            continue
        vehicle = min(able, key=lambda v: free[v.id])
        leaves = max(free[vehicle.id], stop.opens - problem.minutes(0, i + 1))
        route = time_route(problem, vehicle, [i], leaves)
        free[vehicle.id] = route.returns
        routes.append(route)
    return Plan(tuple(routes), tuple(carried))


def greedy_batches(problem: Problem) -> Plan:
    """Nearest-neighbour batching: each vehicle, largest first, takes the nearest stop it can still
    reach in its window and carry, until none is left; what is left over is carried."""
    left = set(range(len(problem.stops)))
    routes = []
    for vehicle in sorted(problem.vehicles, key=lambda v: -v.capacity_kg):
        order: list[int] = []
        while True:
            here = order[-1] + 1 if order else 0
            for i in sorted(left, key=lambda i: (problem.km[here][i + 1], i)):
                trial = [*order, i]
                if fits(problem, vehicle, trial):
                    order = trial
                    left.discard(i)
                    break
            else:
                break
        if order:
            routes.append(time_route(problem, vehicle, order))
    return Plan(tuple(routes), tuple(problem.stops[i] for i in sorted(left)))


def check_plan(problem: Problem, plan: Plan) -> list[str]:
    """What is wrong with a plan: stops lost or planned twice, capacities or stop limits exceeded."""
    wrong = []
    seen = [s.shop_id for r in plan.routes for v in r.visits for s in (v.stop,)] + [s.shop_id for s in plan.carried]
    if sorted(seen) != sorted(s.shop_id for s in problem.stops):
        wrong.append("every stop planned or carried exactly once")
    for r in plan.routes:
        if r.weight_kg > r.vehicle.capacity_kg + 1e-6:
            wrong.append(f"{r.vehicle.name} over capacity")
        if r.vehicle.max_stops is not None and len(r.visits) > r.vehicle.max_stops:
            wrong.append(f"{r.vehicle.name} over its stops")
    return wrong


def minutes_of(hhmm: str) -> int:
    """'09:30' -> 570; '24:00' allowed as the end of a day."""
    hours, _, mins = hhmm.strip().partition(":")
    value = int(hours) * 60 + int(mins or 0)
    if not (0 <= int(mins or 0) < 60 and 0 <= value <= 24 * 60):
        raise ValueError(f"not a time of day: {hhmm!r}")
    return value


def hhmm(minutes: float) -> str:
    m = math.ceil(minutes)
    return f"{m // 60:02d}:{m % 60:02d}"
