"""`delivery plan`, `delivery depot`, `delivery hours` and `fleet add`."""

from __future__ import annotations

import argparse
import json
from contextlib import asynccontextmanager
from dataclasses import asdict
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import aiohttp

from bot.commands.people import UsageError, phone_arg
from bot.config import Config
from domain.delivery import Point, minutes_of
from domain.delivery_runs import Run
from domain.formatting import platform_zone
from routing.svg import DrawnRun, DrawnStop, plan_runs, runs_svg
from services import bootstrap
from services import delivery as deliveries
from services.texts import default_texts
from storage.clock import SystemClock
from storage.db import create_pool, migrate
from storage.uow import UnitOfWork


def _hours(value: str) -> tuple[time, time]:
    start, sep, end = value.partition("-")
    try:
        a, b = minutes_of(start), minutes_of(end)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    if not sep or a >= b or b >= 24 * 60:
        raise argparse.ArgumentTypeError(f"{value!r} is not hours like 09:00-18:00")
    return time(a // 60, a % 60), time(b // 60, b % 60)


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from exc
    if not 0 < number < 100_000:
        raise argparse.ArgumentTypeError("must be more than 0 (and under 100,000)")
    return number


def register(sub: argparse._SubParsersAction) -> None:
    delivery = sub.add_parser("delivery", help="delivery runs").add_subparsers(dest="action", required=True)
    plan = delivery.add_parser("plan", help="plan vendors' accepted orders into runs now and print them")
    plan.add_argument("--vendor", type=phone_arg, help="one vendor (default: every vendor with orders waiting)")
    plan.add_argument("--date", type=date.fromisoformat, help="YYYY-MM-DD: a past day shows its stored runs")
    plan.add_argument("--json", action="store_true")
    plan.add_argument("--svg", type=Path, help="also write a picture of the runs to this file (one vendor)")
    plan.set_defaults(run=plan_cmd)
    depot = delivery.add_parser("depot", help="where a vendor's vehicles leave from, and its working hours")
    depot.add_argument("vendor", type=phone_arg)
    depot.add_argument("--lat", type=float, required=True)
    depot.add_argument("--lon", type=float, required=True)
    depot.add_argument("--hours", type=_hours, help="working hours, e.g. 08:00-18:00")
    depot.set_defaults(run=depot_cmd)
    hours = delivery.add_parser("hours", help="a retailer's receiving hours")
    hours.add_argument("retailer", type=phone_arg)
    hours.add_argument("hours", type=_hours, help="e.g. 09:00-12:00")
    hours.set_defaults(run=hours_cmd)

    fleet = sub.add_parser("fleet", help="vendors' vehicles").add_subparsers(dest="action", required=True)
    add = fleet.add_parser("add", help="add or update a vehicle")
    add.add_argument("vendor", type=phone_arg, metavar="VENDOR_PHONE")
    add.add_argument("name")
    add.add_argument("--capacity-kg", type=_positive, required=True)
    add.add_argument("--max-stops", type=int)
    add.set_defaults(run=fleet_add)


@asynccontextmanager
async def _unit(config: Config):  # type: ignore[no-untyped-def]
    pool = await create_pool(config.secrets.database_url or "", min_size=1, max_size=2)
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
        async with bootstrap.unit_of_work(pool, default_texts(), SystemClock(), config) as uow:
            yield uow
    finally:
        await pool.close()


async def _user(uow: UnitOfWork, phone: str, role: str) -> int:
    user = await uow.users.find(phone, role)
    if user is None or user.phone != phone:
        raise UsageError(f"no {role} with phone {phone}")
    return user.id


async def fleet_add(args: argparse.Namespace, config: Config) -> int:
    if args.max_stops is not None and args.max_stops < 1:
        raise UsageError("--max-stops must be 1 or more")
    async with _unit(config) as uow:
        vehicle_id = await deliveries.add_vehicle(uow, await _user(uow, args.vendor, "vendor"), args.name,
                                                  args.capacity_kg, args.max_stops)
    print(f"vehicle {args.name} ({args.capacity_kg:g} kg) saved as #{vehicle_id} for {args.vendor}")
    return 0


async def depot_cmd(args: argparse.Namespace, config: Config) -> int:
    if not (-90 <= args.lat <= 90 and -180 <= args.lon <= 180):
        raise UsageError("--lat must be within ±90 and --lon within ±180")
    works = args.hours or (None, None)
    async with _unit(config) as uow:
        await deliveries.set_depot(uow, await _user(uow, args.vendor, "vendor"), Point(args.lat, args.lon), *works)
    print(f"depot of {args.vendor} saved")
    return 0


async def hours_cmd(args: argparse.Namespace, config: Config) -> int:
    async with _unit(config) as uow:
        await deliveries.set_receiving_hours(uow, await _user(uow, args.retailer, "retailer"), *args.hours)
    print(f"receiving hours of {args.retailer} saved")
    return 0


def _run_json(run: Run) -> dict[str, Any]:
    return dict(json.loads(json.dumps(asdict(run), default=str)))


def _print_run(run: Run, zone: Any) -> None:
    print(f"  run {run.id} · {run.vehicle} · {run.status.value.lower()} · {run.km:.1f} km · leaves "
          f"{run.leaves_at.astimezone(zone):%H:%M}, back {run.returns_at.astimezone(zone):%H:%M}")
    for s in run.stops:
        print(f"    {s.seq}. {s.eta.astimezone(zone):%H:%M} {s.shop} ({s.weight_kg} kg) orders "
              f"{', '.join(f'#{o}' for o in s.order_ids)} collect {s.to_collect}")


async def plan_cmd(args: argparse.Namespace, config: Config) -> int:
    zone = platform_zone(config)
    now = datetime.now(zone)
    out: list[dict[str, Any]] = []
    shown: list[list[Run]] = []
    pictures: list[tuple[Point, list[DrawnRun], list[DrawnStop], str]] = []
    async with _unit(config) as uow, aiohttp.ClientSession() as session:
        vendor_ids = [await _user(uow, args.vendor, "vendor")] if args.vendor else await deliveries.vendors_to_plan(uow)
        if args.svg and len(vendor_ids) != 1:
            raise UsageError("--svg draws one vendor's runs: give --vendor")
        if args.date and args.date < now.date():
            for vendor_id in vendor_ids:
                stored = await deliveries.runs(uow, vendor_id=vendor_id, day=args.date)
                out.append({"vendor_id": vendor_id, "outcome": "STORED", "day": args.date.isoformat(),
                            "runs": [_run_json(r) for r in stored], "carried": [], "unlocated": []})
                shown.append(stored)
                if stored:
                    pictures.append(_stored_picture(stored, vendor_id, args.date))
        else:
            at = max(now, datetime.combine(args.date, time(0), zone)) if args.date else now
            for vendor_id in vendor_ids:
                result = await deliveries.plan_vendor(uow, vendor_id, now=at, config=config,
                                                      matrix=deliveries.osrm_matrix(config, session))
                out.append({"vendor_id": vendor_id, "outcome": result.outcome.value, "day": result.day.isoformat(),
                            "runs": [_run_json(r) for r in result.runs], "carried": result.carried,
                            "unlocated": result.unlocated})
                shown.append(result.runs)
                if result.problem is not None and result.plan is not None:
                    names = {s.retailer_id: s.shop for r in result.runs for s in r.stops}
                    runs, carried = plan_runs(result.plan, names)
                    pictures.append((result.problem.depot, runs, carried, f"vendor #{vendor_id} {result.day}"))
                elif result.runs:
                    pictures.append(_stored_picture(result.runs, vendor_id, result.day))
    if args.svg:
        if not pictures:
            raise UsageError("nothing to draw: no runs planned")
        depot, runs, carried, title = pictures[0]
        args.svg.write_text(runs_svg(depot, runs, carried, title=title), encoding="utf-8")
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    for entry, runs_shown in zip(out, shown, strict=True):
        print(f"vendor #{entry['vendor_id']} {entry['day']}: {entry['outcome'].lower()}, {len(runs_shown)} runs")
        for run in runs_shown:
            _print_run(run, zone)
        if entry["carried"]:
            print(f"  carried to the next run: {', '.join(f'#{o}' for o in entry['carried'])}")
        if entry["unlocated"]:
            print(f"  shops without a location (set with `retailer add --lat --lon`): "
                  f"{', '.join(f'#{o}' for o in entry['unlocated'])}")
    if args.svg:
        print(f"picture written to {args.svg}")
    return 0


def _stored_picture(runs: list[Run], vendor_id: int, day: date) -> tuple[Point, list[DrawnRun], list[DrawnStop], str]:
    drawn = [DrawnRun(f"run {r.id} · {r.vehicle} ({r.km:.1f} km)",
                      tuple(DrawnStop(Point(s.lat, s.lon), s.shop) for s in r.stops)) for r in runs]
    return Point(runs[0].depot_lat, runs[0].depot_lon), drawn, [], f"vendor #{vendor_id} {day}"

