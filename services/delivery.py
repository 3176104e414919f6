"""Delivery runs: each vendor's accepted orders planned into runs of its vehicles, dispatched and
delivered stop by stop.

A plan is made every `routing.every` (jobs/delivery.py) and on demand (`khaacho delivery plan`).
Only planned runs are re-planned, and only when what they were planned from changed (orders, fleet,
depot, hours: the fingerprint); a dispatched run and its vehicle are left alone. Orders that fit no
vehicle today are carried to the next run and the retailer is told when to expect them.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Any

from domain.delivery import Job, Plan, Point, Problem, Vehicle, merge_stops, minutes_of, road_km_matrix
from domain.delivery_runs import Run, RunStatus
from domain.formatting import platform_zone
from domain.orders import OrderStatus
from domain.weights import unit_weight_kg
from routing.osrm import osrm_km_matrix
from routing.solver import solve
from services.events import OrderCarried, RunPlanned
from services.fulfilment import advance_order
from storage.repos.delivery import NewStop, Waiting
from storage.uow import UnitOfWork

Matrix = Callable[[Sequence[Point]], Awaitable[list[list[float]]]]


class Planned(StrEnum):
    PLANNED = "PLANNED"
    UNCHANGED = "UNCHANGED"      # nothing changed since the last plan: the runs stand
    NOTHING = "NOTHING"          # no order waiting
    NO_DEPOT = "NO_DEPOT"        # the vendor has no location
    NO_FLEET = "NO_FLEET"        # no vehicle free


@dataclass
class VendorPlan:
    vendor_id: int
    outcome: Planned
    day: date
    runs: list[Run] = field(default_factory=list)
    carried: list[int] = field(default_factory=list)        # order ids
    unlocated: list[int] = field(default_factory=list)      # orders to shops without a location
    plan: Plan | None = None
    problem: Problem | None = None


def osrm_matrix(config: Any, session: Any) -> Matrix | None:
    """Road km from `routing.osrm_url` through `session` (an aiohttp ClientSession); None when unset."""
    if not config.routing.osrm_url:
        return None

    async def matrix(points: Sequence[Point]) -> list[list[float]]:
        return await osrm_km_matrix(session, config.routing.osrm_url, points, road_factor=config.routing.road_factor)
    return matrix


def haversine_matrix(road_factor: float) -> Matrix:
    async def matrix(points: Sequence[Point]) -> list[list[float]]:
        return road_km_matrix(points, road_factor)
    return matrix


def order_weight(lines: Sequence[tuple[str, str, Any, Any]]) -> float:
    """The weight of an order's lines (name, unit, quantity, weight per unit or None)."""
    return sum(float(quantity) * unit_weight_kg(unit, name, float(w) if w is not None else None)
               for name, unit, quantity, w in lines)


def _day_window(site_from: time | None, site_until: time | None, local_now: datetime, config: Any
                ) -> tuple[date, int, int]:
    """The day to plan, and its working minutes from now on (tomorrow's when today's are over)."""
    starts = site_from.hour * 60 + site_from.minute if site_from else minutes_of(config.routing.day_starts)
    ends = site_until.hour * 60 + site_until.minute if site_until else minutes_of(config.routing.day_ends)
    now_min = local_now.hour * 60 + local_now.minute
    if now_min >= ends - 30:
        return local_now.date() + timedelta(days=1), starts, ends
    return local_now.date(), max(starts, now_min), ends


def _fingerprint(depot: Point, jobs: Sequence[Job], vehicles: Sequence[Vehicle], day: date, ends: int) -> str:
    text = repr((depot, sorted((j.order_id, j.point, round(j.weight_kg, 3), j.opens, j.closes) for j in jobs),
                 sorted((v.id, v.capacity_kg, v.max_stops) for v in vehicles), day, ends))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _job(w: Waiting, point: Point) -> Job:
    opens = w.receives_from.hour * 60 + w.receives_from.minute if w.receives_from else 0
    closes = w.receives_until.hour * 60 + w.receives_until.minute if w.receives_until else 24 * 60
    return Job(w.order_id, w.retailer_id, point, order_weight(w.lines), opens, closes)


async def plan_vendor(uow: UnitOfWork, vendor_id: int, *, now: datetime, config: Any, matrix: Matrix | None = None,
                      force: bool = False) -> VendorPlan:
    repo, zone = uow.delivery, platform_zone(config)
    site = await repo.site(vendor_id)
    local_now = now.astimezone(zone)
    if site is None or site.depot is None:
        return VendorPlan(vendor_id, Planned.NO_DEPOT, local_now.date())
    day, starts, ends = _day_window(site.works_from, site.works_until, local_now, config)
    waiting = await repo.waiting(vendor_id)
    unlocated = [w.order_id for w in waiting if w.point is None]
    jobs = [_job(w, w.point) for w in waiting if w.point is not None]
    busy = await repo.busy_vehicles(vendor_id, day)
    vehicles = [v for v in await repo.vehicles(vendor_id) if v.id not in busy]
    outcome = VendorPlan(vendor_id, Planned.PLANNED, day, unlocated=unlocated)
    fingerprint = _fingerprint(site.depot, jobs, vehicles, day, ends)
    if not force and await repo.planned_fingerprint(vendor_id, day) == fingerprint:
        outcome.outcome = Planned.UNCHANGED
        outcome.runs = await repo.runs(vendor_id=vendor_id, day=day, statuses=(RunStatus.PLANNED,))
        return outcome
    if not vehicles:  # no fleet, or every vehicle out: the orders wait for one to come back
        outcome.outcome = Planned.NO_FLEET
        return outcome
    await repo.replace_planned(vendor_id)
    if not jobs:
        outcome.outcome = Planned.NOTHING
        return outcome
    stops = merge_stops(jobs)
    km = await (matrix or haversine_matrix(config.routing.road_factor))([site.depot, *(s.point for s in stops)])
    problem = Problem(site.depot, tuple(stops), tuple(vehicles), starts, ends, tuple(tuple(r) for r in km),
                      config.routing.speed_kmh, config.routing.service_minutes)
    plan = await asyncio.to_thread(solve, problem, config.routing.solver_seconds)
    outcome.plan, outcome.problem = plan, problem

    midnight = datetime.combine(day, time(0), zone)
    at = lambda minutes: midnight + timedelta(minutes=minutes)  # noqa: E731
    for route in plan.routes:
        nodes = [0, *(problem.stops.index(v.stop) + 1 for v in route.visits)]
        legs = [problem.km[a][b] for a, b in pairwise(nodes)]
        run_id = await repo.save_run(
            vendor_id, route.vehicle.id, day, route.km, at(route.leaves), at(route.returns), fingerprint, now,
            [NewStop(v.stop.shop_id, v.stop.order_ids, at(v.eta), leg, v.stop.weight_kg)
             for v, leg in zip(route.visits, legs, strict=True)])
        await repo.uncarry([o for v in route.visits for o in v.stop.order_ids])
        await uow.record(RunPlanned(run_id=run_id, vendor_id=vendor_id, zone=config.platform.timezone))
        if (run := await repo.run(run_id)) is not None:
            outcome.runs.append(run)
    outcome.carried = sorted(o for s in plan.carried for o in s.order_ids)
    if outcome.carried:
        opens = site.works_from or time.fromisoformat(config.routing.day_starts)
        expected = datetime.combine(day + timedelta(days=1), opens, zone)
        for order_id in await repo.carry(vendor_id, outcome.carried, expected, now):
            await uow.record(OrderCarried(order_id=order_id, vendor_id=vendor_id, expected=expected))
    return outcome


async def vendors_to_plan(uow: UnitOfWork) -> list[int]:
    return await uow.delivery.vendors_with_work()


async def planning_due(uow: UnitOfWork, now: datetime, every: timedelta) -> bool:
    """Whether `routing.every` has passed since the last scheduled planning; if so, it is marked as made now."""
    return await uow.delivery.claim_planning(now, every)


class RunAnswer(StrEnum):
    DONE = "DONE"
    NOT_FOUND = "NOT_FOUND"      # no such run of this vendor
    ALREADY = "ALREADY"
    WRONG_STATUS = "WRONG_STATUS"


@dataclass
class RunResult:
    answer: RunAnswer
    run: Run | None = None
    delivered: list[int] = field(default_factory=list)


async def dispatch_run(uow: UnitOfWork, run_id: int, vendor_id: int, *, now: datetime, config: Any) -> RunResult:
    """The run leaves: its orders are dispatched, each retailer told its ETA; it is never re-planned."""
    run = await uow.delivery.run(run_id, lock=True)
    if run is None or run.vendor_id != vendor_id or run.status is RunStatus.REPLACED:
        return RunResult(RunAnswer.NOT_FOUND)
    if run.status is not RunStatus.PLANNED:
        return RunResult(RunAnswer.ALREADY, run)
    await uow.delivery.set_status(run_id, RunStatus.DISPATCHED, now)
    for stop in run.stops:
        for order_id in stop.order_ids:
            await advance_order(uow, order_id, vendor_id, OrderStatus.DISPATCHED, now=now,
                                eta=stop.eta.astimezone(platform_zone(config)))
    return RunResult(RunAnswer.DONE, await uow.delivery.run(run_id))


async def deliver_stop(uow: UnitOfWork, run_id: int | None, seq: int, vendor_id: int, *, now: datetime) -> RunResult:
    """Stop `seq` of the run (the vendor's only dispatched run when `run_id` is None) is delivered."""
    if run_id is None:
        out = await uow.delivery.runs(vendor_id=vendor_id, statuses=(RunStatus.DISPATCHED,), limit=2)
        if len(out) != 1:
            return RunResult(RunAnswer.NOT_FOUND)
        run_id = out[0].id
    run = await uow.delivery.run(run_id, lock=True)
    if run is None or run.vendor_id != vendor_id or run.status is RunStatus.REPLACED:
        return RunResult(RunAnswer.NOT_FOUND)
    stop = next((s for s in run.stops if s.seq == seq), None)
    if stop is None:
        return RunResult(RunAnswer.NOT_FOUND, run)
    if run.status is RunStatus.PLANNED:
        return RunResult(RunAnswer.WRONG_STATUS, run)
    if stop.delivered_at is not None:
        return RunResult(RunAnswer.ALREADY, run)
    await uow.delivery.stop_delivered(run_id, seq, now)
    for order_id in stop.order_ids:
        await advance_order(uow, order_id, vendor_id, OrderStatus.DELIVERED, now=now)
    if all(s.delivered_at is not None or s.seq == seq for s in run.stops):
        await uow.delivery.set_status(run_id, RunStatus.DONE)
    return RunResult(RunAnswer.DONE, await uow.delivery.run(run_id), list(stop.order_ids))


async def runs(uow: UnitOfWork, *, vendor_id: int | None = None, day: date | None = None, limit: int = 50
               ) -> list[Run]:
    return await uow.delivery.runs(vendor_id=vendor_id, day=day, limit=limit)


async def run(uow: UnitOfWork, run_id: int) -> Run | None:
    return await uow.delivery.run(run_id)


async def set_depot(uow: UnitOfWork, vendor_id: int, depot: Point, works_from: time | None = None,
                    works_until: time | None = None) -> None:
    await uow.delivery.set_site(vendor_id, depot=depot, works_from=works_from, works_until=works_until)


async def set_receiving_hours(uow: UnitOfWork, retailer_id: int, receives_from: time, receives_until: time) -> None:
    await uow.delivery.set_receiving(retailer_id, receives_from, receives_until)


async def add_vehicle(uow: UnitOfWork, vendor_id: int, name: str, capacity_kg: float, max_stops: int | None = None
                      ) -> int:
    return await uow.delivery.add_vehicle(vendor_id, name, capacity_kg, max_stops)
