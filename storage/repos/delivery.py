"""Fleets, depots and hours, what waits to be delivered, and the stored runs with their stops."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import asyncpg

from domain.delivery import Point, Vehicle
from domain.delivery_runs import Run, RunStatus, RunStop


@dataclass(frozen=True)
class Site:
    """Where a vendor's vehicles leave from and when it works (None: the configured day)."""
    vendor_id: int
    name: str
    depot: Point | None
    works_from: time | None
    works_until: time | None


@dataclass(frozen=True)
class Waiting:
    """An accepted order waiting for a run, with what the plan needs to know of it."""
    order_id: int
    retailer_id: int
    point: Point | None
    receives_from: time | None
    receives_until: time | None
    lines: tuple[tuple[str, str, Decimal, Decimal | None], ...]   # (name, unit, quantity, weight_kg per unit)


@dataclass(frozen=True)
class NewStop:
    retailer_id: int
    order_ids: tuple[int, ...]
    eta: datetime
    km_from_prev: float
    weight_kg: float


class DeliveryRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add_vehicle(self, vendor_id: int, name: str, capacity_kg: float, max_stops: int | None) -> int:
        return await self.conn.fetchval(
            "INSERT INTO vehicles (vendor_id, name, capacity_kg, max_stops) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (vendor_id, name) DO UPDATE SET capacity_kg = EXCLUDED.capacity_kg,"
            " max_stops = EXCLUDED.max_stops, active = true RETURNING id", vendor_id, name, capacity_kg, max_stops)

    async def vehicles(self, vendor_id: int) -> list[Vehicle]:
        rows = await self.conn.fetch("SELECT id, name, capacity_kg, max_stops FROM vehicles"
                                     " WHERE vendor_id = $1 AND active ORDER BY id", vendor_id)
        return [Vehicle(r["id"], r["name"], float(r["capacity_kg"]), r["max_stops"]) for r in rows]

    async def vendors_with_work(self) -> list[int]:
        """Vendors holding accepted orders, or planned runs that may need changing."""
        rows = await self.conn.fetch(
            "SELECT DISTINCT vendor_id FROM orders WHERE status = 'ACCEPTED' AND vendor_id IS NOT NULL"
            " UNION SELECT vendor_id FROM delivery_runs WHERE status = 'PLANNED' ORDER BY 1")
        return [r[0] for r in rows]

    async def claim_planning(self, now: datetime, every: timedelta) -> bool:
        row = await self.conn.fetchval(
            "INSERT INTO delivery_planning (id, last_at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET last_at = $1"
            " WHERE delivery_planning.last_at <= $1 - $2::interval RETURNING last_at", now, every)
        return row is not None

    async def site(self, vendor_id: int) -> Site | None:
        row = await self.conn.fetchrow(
            "SELECT v.user_id, u.name, COALESCE(v.depot_lat, v.lat) AS lat, COALESCE(v.depot_lon, v.lon) AS lon,"
            " v.works_from, v.works_until FROM vendors v JOIN users u ON u.id = v.user_id WHERE v.user_id = $1",
            vendor_id)
        if row is None:
            return None
        depot = Point(row["lat"], row["lon"]) if row["lat"] is not None and row["lon"] is not None else None
        return Site(row["user_id"], row["name"], depot, row["works_from"], row["works_until"])

    async def set_site(self, vendor_id: int, *, depot: Point | None = None, works_from: time | None = None,
                       works_until: time | None = None) -> None:
        await self.conn.execute(
            "UPDATE vendors SET depot_lat = COALESCE($2, depot_lat), depot_lon = COALESCE($3, depot_lon),"
            " works_from = COALESCE($4, works_from), works_until = COALESCE($5, works_until) WHERE user_id = $1",
            vendor_id, depot.lat if depot else None, depot.lon if depot else None, works_from, works_until)

    async def set_receiving(self, retailer_id: int, receives_from: time, receives_until: time) -> None:
        await self.conn.execute("UPDATE retailers SET receives_from = $2, receives_until = $3 WHERE user_id = $1",
                                retailer_id, receives_from, receives_until)

    async def waiting(self, vendor_id: int) -> list[Waiting]:
        """Accepted orders of the vendor that no dispatched run carries, oldest first."""
        rows = await self.conn.fetch(
            """
            SELECT o.id, o.retailer_id, r.lat, r.lon, r.receives_from, r.receives_until,
                   array_agg(i.name ORDER BY i.id) AS names, array_agg(i.unit ORDER BY i.id) AS units,
                   array_agg(i.quantity ORDER BY i.id) AS quantities, array_agg(p.weight_kg ORDER BY i.id) AS weights
            FROM orders o JOIN retailers r ON r.user_id = o.retailer_id
            JOIN order_items i ON i.order_id = o.id JOIN products p ON p.sku = i.sku
            WHERE o.vendor_id = $1 AND o.status = 'ACCEPTED'
              AND NOT EXISTS (SELECT 1 FROM delivery_stops s JOIN delivery_runs d ON d.id = s.run_id
                              WHERE d.status IN ('DISPATCHED', 'DONE') AND o.id = ANY(s.order_ids))
            GROUP BY o.id, r.user_id ORDER BY o.id
            """, vendor_id)
        return [Waiting(r["id"], r["retailer_id"],
                        Point(r["lat"], r["lon"]) if r["lat"] is not None and r["lon"] is not None else None,
                        r["receives_from"], r["receives_until"],
                        tuple(zip(r["names"], r["units"], r["quantities"], r["weights"], strict=True)))
                for r in rows]

    async def busy_vehicles(self, vendor_id: int, day: date) -> set[int]:
        """Vehicles out on a dispatched run of `day`: one with an order still on its way (orders delivered
        one by one with `delivered 1042`, or cancelled, free the vehicle too)."""
        rows = await self.conn.fetch(
            "SELECT DISTINCT d.vehicle_id FROM delivery_runs d JOIN delivery_stops s ON s.run_id = d.id"
            " WHERE d.vendor_id = $1 AND d.day = $2 AND d.status = 'DISPATCHED' AND s.delivered_at IS NULL"
            " AND EXISTS (SELECT 1 FROM orders o WHERE o.id = ANY(s.order_ids) AND o.status = 'DISPATCHED')",
            vendor_id, day)
        return {r[0] for r in rows}

    async def planned_fingerprint(self, vendor_id: int, day: date) -> str | None:
        return await self.conn.fetchval(
            "SELECT fingerprint FROM delivery_runs WHERE vendor_id = $1 AND day = $2 AND status = 'PLANNED'"
            " ORDER BY id DESC LIMIT 1", vendor_id, day)

    async def replace_planned(self, vendor_id: int) -> dict[int, datetime]:
        """Retire the vendor's planned runs; returns the ETA each of their orders had."""
        rows = await self.conn.fetch(
            "WITH gone AS (UPDATE delivery_runs SET status = 'REPLACED' WHERE vendor_id = $1 AND status = 'PLANNED'"
            " RETURNING id) SELECT unnest(s.order_ids) AS order_id, s.eta FROM delivery_stops s"
            " JOIN gone ON gone.id = s.run_id", vendor_id)
        return {r["order_id"]: r["eta"] for r in rows}

    async def save_run(self, vendor_id: int, vehicle_id: int, day: date, km: float, leaves_at: datetime,
                       returns_at: datetime, fingerprint: str, now: datetime, stops: Sequence[NewStop]) -> int:
        run_id = await self.conn.fetchval(
            "INSERT INTO delivery_runs (vendor_id, vehicle_id, day, km, leaves_at, returns_at, fingerprint,"
            " planned_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            vendor_id, vehicle_id, day, round(km, 2), leaves_at, returns_at, fingerprint, now)
        await self.conn.executemany(
            "INSERT INTO delivery_stops (run_id, seq, retailer_id, order_ids, eta, km_from_prev, weight_kg)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [(run_id, seq, s.retailer_id, list(s.order_ids), s.eta, round(s.km_from_prev, 2), round(s.weight_kg, 1))
             for seq, s in enumerate(stops, 1)])
        return run_id

    async def carry(self, vendor_id: int, order_ids: Sequence[int], expected: datetime, now: datetime) -> list[int]:
        """Record orders carried to `expected`; returns those whose expected time is new (to be told)."""
        rows = await self.conn.fetch(
            "INSERT INTO delivery_carried (order_id, vendor_id, expected, carried_at)"
            " SELECT unnest($2::bigint[]), $1, $3, $4"
            " ON CONFLICT (order_id) DO UPDATE SET expected = EXCLUDED.expected, carried_at = EXCLUDED.carried_at"
            " WHERE delivery_carried.expected <> EXCLUDED.expected"
            " RETURNING order_id", vendor_id, list(order_ids), expected, now)
        return sorted(r[0] for r in rows)

    async def uncarry(self, order_ids: Sequence[int]) -> None:
        await self.conn.execute("DELETE FROM delivery_carried WHERE order_id = ANY($1)", list(order_ids))

    async def runs(self, *, vendor_id: int | None = None, day: date | None = None,
                   statuses: Sequence[RunStatus] = (RunStatus.PLANNED, RunStatus.DISPATCHED, RunStatus.DONE),
                   limit: int = 50) -> list[Run]:
        ids = await self.conn.fetch(
            "SELECT id FROM delivery_runs WHERE ($1::bigint IS NULL OR vendor_id = $1)"
            " AND ($2::date IS NULL OR day = $2) AND status = ANY($3) ORDER BY id DESC LIMIT $4",
            vendor_id, day, [s.value for s in statuses], limit)
        return [run for r in ids if (run := await self.run(r["id"])) is not None]

    async def run(self, run_id: int, *, lock: bool = False) -> Run | None:
        row = await self.conn.fetchrow(
            "SELECT d.*, u.name AS vendor, h.name AS vehicle, COALESCE(v.depot_lat, v.lat) AS dlat,"
            " COALESCE(v.depot_lon, v.lon) AS dlon FROM delivery_runs d JOIN users u ON u.id = d.vendor_id"
            " JOIN vendors v ON v.user_id = d.vendor_id JOIN vehicles h ON h.id = d.vehicle_id WHERE d.id = $1"
            + (" FOR UPDATE OF d" if lock else ""), run_id)
        if row is None:
            return None
        stops = await self.conn.fetch(
            """
            SELECT s.*, u.name AS shop, u.phone, COALESCE(r.address, '') AS address, r.lat, r.lon,
                   (SELECT COALESCE(sum(o.total), 0) FROM orders o WHERE o.id = ANY(s.order_ids)) AS to_collect,
                   (SELECT string_agg(i.name || ' ' || trim(trailing '.' FROM trim(trailing '0' FROM i.quantity::text))
                                      || ' ' || i.unit, ', ' ORDER BY i.order_id, i.id)
                    FROM order_items i WHERE i.order_id = ANY(s.order_ids)) AS items
            FROM delivery_stops s JOIN users u ON u.id = s.retailer_id JOIN retailers r ON r.user_id = s.retailer_id
            WHERE s.run_id = $1 ORDER BY s.seq
            """, run_id)
        return Run(row["id"], row["vendor_id"], row["vendor"], row["vehicle"], row["day"].isoformat(),
                   RunStatus(row["status"]), row["km"], row["leaves_at"], row["returns_at"], row["dlat"], row["dlon"],
                   tuple(RunStop(s["seq"], s["retailer_id"], s["shop"], s["address"], s["phone"], s["lat"], s["lon"],
                                 tuple(s["order_ids"]), s["eta"], s["km_from_prev"], s["weight_kg"],
                                 s["delivered_at"], s["to_collect"], s["items"] or "") for s in stops))

    async def set_status(self, run_id: int, status: RunStatus, at: datetime | None = None) -> None:
        await self.conn.execute(
            "UPDATE delivery_runs SET status = $2, dispatched_at = COALESCE($3, dispatched_at) WHERE id = $1",
            run_id, status.value, at if status is RunStatus.DISPATCHED else None)

    async def stop_delivered(self, run_id: int, seq: int, at: datetime) -> None:
        await self.conn.execute("UPDATE delivery_stops SET delivered_at = $3 WHERE run_id = $1 AND seq = $2",
                                run_id, seq, at)

    async def run_of_order(self, order_id: int) -> tuple[int, int] | None:
        """(run, seq) of the dispatched run carrying `order_id`."""
        row = await self.conn.fetchrow(
            "SELECT s.run_id, s.seq FROM delivery_stops s JOIN delivery_runs d ON d.id = s.run_id"
            " WHERE d.status = 'DISPATCHED' AND $1 = ANY(s.order_ids)", order_id)
        return (row["run_id"], row["seq"]) if row else None
