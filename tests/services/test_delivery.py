"""Delivery runs on real PostgreSQL: planned, kept while nothing changes, re-planned around a
dispatched run; and `khaacho delivery plan` / `fleet add` from the command line."""

from __future__ import annotations

import asyncio
import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from domain.delivery import Point
from domain.delivery_runs import RunStatus
from domain.geo import haversine_km
from services.delivery import Planned, add_vehicle, dispatch_run, plan_vendor, set_depot
from tests.services.conftest import World

KALIMATI = Point(27.6984, 85.2995)


async def accepted(world: World, retailer: int, vendor: int, sku: str, quantity: float, price: float = 100) -> int:
    async with world.pool.acquire() as conn:
        order_id = await conn.fetchval(
            "INSERT INTO orders (retailer_id, vendor_id, status, total, created_at, updated_at)"
            " VALUES ($1, $2, 'ACCEPTED', $3, $4, $4) RETURNING id", retailer, vendor, quantity * price,
            world.clock.now())
        await conn.execute(
            "INSERT INTO order_items (order_id, sku, name, quantity, unit, unit_price, line_total)"
            " SELECT $1, sku, name, $2::numeric, unit, $3::numeric, $2::numeric * $3::numeric"
            " FROM products WHERE sku = $4",
            order_id, quantity, price, sku)
    return order_id


async def plan(world: World, vendor: int):  # type: ignore[no-untyped-def]
    async with world.uow() as uow:
        return await plan_vendor(uow, vendor, now=world.clock.now(), config=world.config)


async def setup_kathmandu(world: World) -> None:
    async with world.pool.acquire() as conn:
        await conn.execute("UPDATE retailers SET lat = 27.7154, lon = 85.3123 WHERE user_id = $1", world.ram)
    async with world.uow() as uow:
        await set_depot(uow, world.sita, KALIMATI)
        await add_vehicle(uow, world.sita, "Tempo", 500)


async def test_runs_are_planned_kept_and_replanned_only_around_what_changed(world: World) -> None:
    await setup_kathmandu(world)
    first = await accepted(world, world.ram, world.sita, "COKE-500-BTL", 24)   # 500 ml × 1.15 for the glass
    nowhere = await accepted(world, world.hari, world.sita, "SUGAR-LOOSE", 5)  # Hari's shop has no location
    planned = await plan(world, world.sita)
    assert planned.outcome is Planned.PLANNED and planned.unlocated == [nowhere]
    (run,) = planned.runs
    assert [s.order_ids for s in run.stops] == [(first,)] and float(run.stops[0].weight_kg) == 13.8
    assert run.km > 0 and run.stops[0].eta > run.leaves_at

    again = await plan(world, world.sita)
    assert again.outcome is Planned.UNCHANGED and [r.id for r in again.runs] == [run.id]

    second = await accepted(world, world.ram, world.sita, "SUGAR-LOOSE", 30)   # same shop: the same stop
    replanned = await plan(world, world.sita)
    (new_run,) = replanned.runs
    assert new_run.id != run.id and [s.order_ids for s in new_run.stops] == [(first, second)]
    async with world.uow() as uow:
        assert (await uow.delivery.run(run.id)).status is RunStatus.REPLACED  # type: ignore[union-attr]
        assert (await dispatch_run(uow, new_run.id, world.sita, now=world.clock.now(), config=world.config)).run

    third = await accepted(world, world.ram, world.sita, "SUGAR-LOOSE", 10)
    busy = await plan(world, world.sita)
    assert busy.outcome is Planned.NO_FLEET                                   # the one vehicle is out
    async with world.uow() as uow:
        await add_vehicle(uow, world.sita, "Truck", 1500)
    later = await plan(world, world.sita)
    (extra,) = later.runs
    assert extra.vehicle == "Truck" and [s.order_ids for s in extra.stops] == [(third,)]
    async with world.uow() as uow:
        kept = await uow.delivery.run(new_run.id)
    assert kept is not None and kept.status is RunStatus.DISPATCHED and kept.stops == new_run.stops


async def test_what_fits_no_vehicle_is_carried_and_told_once(world: World) -> None:
    await setup_kathmandu(world)
    heavy = await accepted(world, world.ram, world.sita, "SUGAR-LOOSE", 800)
    planned = await plan(world, world.sita)
    assert planned.carried == [heavy] and planned.runs == []
    async with world.pool.acquire() as conn:
        told = await conn.fetchval("SELECT count(*) FROM outbound_messages WHERE recipient = '+9779800000001'"
                                   " AND body LIKE '%did not fit%'")
    assert told == 1
    world.clock.advance(timedelta(minutes=40))
    async with world.pool.acquire() as conn:
        await conn.execute("UPDATE order_items SET quantity = 801 WHERE order_id = $1", heavy)
    assert (await plan(world, world.sita)).carried == [heavy]
    async with world.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM outbound_messages WHERE body LIKE '%did not fit%'") == 1


async def test_the_command_line_adds_a_vehicle_and_prints_and_draws_the_plan(
        world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    await setup_kathmandu(world)
    await accepted(world, world.ram, world.sita, "SUGAR-LOOSE", 25)
    cli = lambda *args: asyncio.to_thread(main, list(args))  # noqa: E731 - main runs its own event loop
    assert await cli("fleet", "add", "+9779800000101", "Pickup", "--capacity-kg", "800", "--max-stops", "12") == 0
    assert "Pickup (800 kg)" in capsys.readouterr().out
    picture = tmp_path / "runs.svg"
    assert await cli("delivery", "plan", "--vendor", "+9779800000101", "--json", "--svg", str(picture)) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    assert entry["outcome"] == "PLANNED" and entry["runs"][0]["stops"][0]["shop"] == "Ram Kirana"
    assert ET.fromstring(picture.read_text()).tag.endswith("svg")
    assert await cli("delivery", "plan", "--vendor", "+9779800000199") == 2
    assert "no vendor with phone +9779800000199" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["fleet", "add", "+9779800000101", "Pickup", "--capacity-kg", "0"])


async def test_with_an_osrm_server_the_plan_uses_its_road_km(world: World) -> None:
    import dataclasses

    import aiohttp
    from aiohttp.test_utils import TestServer

    from services.delivery import osrm_matrix
    from tests.support.osrm_stub import OsrmStub

    await setup_kathmandu(world)
    await accepted(world, world.ram, world.sita, "SUGAR-LOOSE", 25)
    stub = OsrmStub(factor=2.0)
    async with TestServer(stub.app()) as server, aiohttp.ClientSession() as session:
        config = dataclasses.replace(world.config, routing=dataclasses.replace(
            world.config.routing, osrm_url=str(server.make_url(""))))
        async with world.uow() as uow:
            by_road = await plan_vendor(uow, world.sita, now=world.clock.now(), config=config,
                                        matrix=osrm_matrix(config, session))
    assert len(stub.requests) == 1 and not stub.rejected
    straight = haversine_km(KALIMATI.lat, KALIMATI.lon, 27.7154, 85.3123)
    assert float(by_road.runs[0].km) == pytest.approx(2 * 2.0 * straight, rel=1e-2)
    assert osrm_matrix(world.config, None) is None                 # unset: great-circle km × road factor
