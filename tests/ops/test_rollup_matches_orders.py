"""Every dashboard figure is the same from the daily roll-up (whole past days) as from the order tables
alone, on random orders and offers."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from bot.runtime import Runtime
from domain.dashboard import period_ending
from domain.formatting import zone_named
from domain.orders import TERMINAL, OrderStatus
from services import UnitOfWork
from services.ops import stats
from storage.analytics import Analytics
from storage.clock import FakeClock
from storage.product_sales import final_days
from storage.rollup import local_day, roll_up_day, unsettled_days
from tests.ops.conftest import seed_ops_data

KATHMANDU = zone_named("Asia/Kathmandu")
NOW = FakeClock.START + timedelta(days=20, hours=3)
DAYS = 34  # orders reach back this far: the 30-day period's first days and the previous week

_offer = st.none() | st.tuples(st.sampled_from(["OFFERED", "ACCEPTED", "REJECTED", "WITHDRAWN", "EXPIRED"]),
                               st.none() | st.integers(0, 3000))
_order = st.fixed_dictionaries({
    "minutes_back": st.integers(0, DAYS * 1440),
    "status": st.sampled_from(list(OrderStatus)),
    "confirmed": st.booleans() | st.just(True),
    "total": st.integers(0, 10**7),
    "vendor": st.sampled_from([0, 1, None]),
    "accepted": st.booleans(),
    "delivered_after": st.none() | st.integers(1, 5000),
    "reason": st.sampled_from([None, "", "vendor rejected: out of stock", "Delivery failed: shop closed", "misc"]),
    "offer": _offer,
})


def _examples(count: int) -> list[list[dict[str, Any]]]:
    found: list[list[dict[str, Any]]] = []

    @settings(max_examples=count, database=None, phases=[Phase.generate], deadline=None)
    @given(st.lists(_order, min_size=1, max_size=60))
    def collect(orders: list[dict[str, Any]]) -> None:
        found.append(orders)

    collect()
    return found


async def _insert(conn: Any, orders: list[dict[str, Any]], retailer: int, vendors: list[int]) -> None:
    for n, o in enumerate(orders):
        created = NOW - timedelta(minutes=o["minutes_back"], seconds=1)
        confirmed = created if o["confirmed"] else None
        vendor = None if o["vendor"] is None else vendors[o["vendor"]]
        delivered = (confirmed + timedelta(minutes=o["delivered_after"])
                     if confirmed and o["delivered_after"] and o["status"] == "DELIVERED" else None)
        await conn.execute(
            "INSERT INTO orders (id, retailer_id, vendor_id, status, total, failure_reason, created_at, updated_at,"
            " confirmed_at, accepted_at, delivered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10)",
            50_000 + n, retailer, vendor, o["status"], Decimal(o["total"]) / 100, o["reason"], created, confirmed,
            created + timedelta(minutes=5) if o["accepted"] else None, delivered)
        if o["offer"] and vendor is not None:
            status, answer = o["offer"]
            await conn.execute(
                "INSERT INTO order_offers (order_id, vendor_id, status, offered_at, expires_at, responded_at)"
                " VALUES ($1, $2, $3, $4::timestamptz, $4::timestamptz + interval '15 minutes', $5)",
                50_000 + n, vendor, status, created, None if answer is None else created + timedelta(seconds=answer))
        await conn.execute("INSERT INTO order_items (order_id, sku, name, quantity, unit, unit_price, line_total)"
                           " VALUES ($1, 'SUGAR-LOOSE', 'Sugar', 1, 'kg', $2, $2)", 50_000 + n,
                           Decimal(o["total"]) / 100)


async def _board(runtime: Runtime, period: Any) -> Any:
    async with UnitOfWork(runtime.pool) as uow:
        return await stats.dashboard(uow, period)


async def _figures(runtime: Runtime, periods: list[Any]) -> list[Any]:
    out = []
    for period in periods:
        board = await _board(runtime, period)
        # read side by side as the API reads it (the top products' parts too), the same board
        assert await stats.dashboard_side_by_side(lambda: UnitOfWork(runtime.pool), period) == board
        async with UnitOfWork(runtime.pool) as uow:
            standings = await Analytics(uow.conn).vendor_standings(period)
        # compared to the last bit: averages are summed exactly and percentiles ranked in one place
        # (domain.metrics), so the same seconds give the same figures whichever way they were read
        out.append([dataclasses.asdict(board), [dataclasses.asdict(s) for s in standings]])
    return out


async def test_rolled_up_days_give_the_figures_of_the_order_tables(runtime: Runtime) -> None:
    await seed_ops_data(runtime)
    periods = [period_ending(NOW, label, span, KATHMANDU)
               for label, span in (("today", None), ("7d", timedelta(days=7)), ("30d", timedelta(days=30)))]
    async with runtime.pool.acquire() as conn:
        retailer = await conn.fetchval("SELECT user_id FROM retailers ORDER BY user_id LIMIT 1")
        vendors = [r["user_id"] for r in await conn.fetch("SELECT user_id FROM vendors ORDER BY user_id")]
    for orders in _examples(25):
        async with runtime.pool.acquire() as conn:
            await conn.execute("TRUNCATE analytics_daily, orders CASCADE")
            await _insert(conn, orders, retailer, vendors)
        live = await _figures(runtime, periods)
        async with runtime.pool.acquire() as conn:
            for back in range(DAYS + 2):
                async with conn.transaction():
                    await roll_up_day(conn, local_day(NOW, KATHMANDU) - timedelta(days=back), NOW, KATHMANDU)
            week = periods[1]
            # every whole day is read from the roll-up, but for its orders that had not ended (drafts too)
            left_out: dict[date, list[int]] = {}
            for n, o in enumerate(orders):
                if o["status"] not in TERMINAL:
                    created = NOW - timedelta(minutes=o["minutes_back"], seconds=1)
                    left_out.setdefault(local_day(created, KATHMANDU), []).append(50_000 + n)
            whole = [local_day(week.start, KATHMANDU) + timedelta(days=n) for n in range(1, 7)]
            assert await final_days(conn, week.start, week.end, week.start, week.zone) == {
                d: left_out.get(d, []) for d in whole}
        assert await _figures(runtime, periods) == live, orders
        # the orders left out change after their days were rolled up: they end (drafts are placed first),
        # their offers are answered; the figures are still those of the order tables alone
        async with runtime.pool.acquire() as conn:
            await conn.execute(
                "UPDATE order_offers f SET status = 'ACCEPTED', responded_at = f.offered_at + interval '7 minutes'"
                " FROM orders o WHERE o.id = f.order_id AND o.status <> ALL($1)", list(TERMINAL))
            await conn.execute(
                "UPDATE orders SET status = 'DELIVERED', confirmed_at = COALESCE(confirmed_at, created_at),"
                " delivered_at = COALESCE(confirmed_at, created_at) + interval '2 hours' WHERE status <> ALL($1)",
                list(TERMINAL))
        ended = await _figures(runtime, periods)
        async with runtime.pool.acquire() as conn:
            await conn.execute("TRUNCATE analytics_daily CASCADE")
        assert await _figures(runtime, periods) == ended, orders


async def test_a_day_rolled_up_before_it_ended_is_read_from_the_orders(runtime: Runtime) -> None:
    await seed_ops_data(runtime)
    week = period_ending(NOW, "7d", timedelta(days=7), KATHMANDU)
    early: datetime = NOW - timedelta(days=3)
    async with runtime.pool.acquire() as conn, conn.transaction():
        await roll_up_day(conn, local_day(early, KATHMANDU), early, KATHMANDU)
        assert await final_days(conn, week.start, week.end, week.start, week.zone) == {}


async def test_a_day_with_open_orders_follows_them_until_they_end(runtime: Runtime) -> None:
    """Rolled up while one of its orders was open, a day is read from the roll-up but for that order,
    which is read from the orders, so its later delivery shows at once; the daily job rolls the day up
    again, and then none of it is read from the orders."""
    await seed_ops_data(runtime)
    week = period_ending(NOW, "7d", timedelta(days=7), KATHMANDU)
    day = local_day(NOW, KATHMANDU) - timedelta(days=3)
    async with runtime.pool.acquire() as conn:
        await conn.execute("TRUNCATE analytics_daily, orders CASCADE")
        retailer = await conn.fetchval("SELECT user_id FROM retailers ORDER BY user_id LIMIT 1")
        vendors = [r["user_id"] for r in await conn.fetch("SELECT user_id FROM vendors ORDER BY user_id")]
        order = {"minutes_back": 3 * 1440, "status": "PENDING_VENDOR", "confirmed": True, "total": 50_000,
                 "vendor": 0, "accepted": False, "delivered_after": None, "reason": None, "offer": ("OFFERED", None)}
        await _insert(conn, [order], retailer, vendors)
        assert local_day(NOW - timedelta(days=3, seconds=1), KATHMANDU) == day
        async with conn.transaction():
            assert day in await unsettled_days(conn, local_day(NOW, KATHMANDU), KATHMANDU)
            await roll_up_day(conn, day, NOW, KATHMANDU)
        assert (await final_days(conn, week.start, week.end, week.start, week.zone))[day] == [50_000]
    rolled = await _figures(runtime, [week])
    assert (rolled[0][0]["summary"]["open"], rolled[0][1][0]["offers"]) == (1, 1), rolled
    async with runtime.pool.acquire() as conn:
        await conn.execute("UPDATE orders SET status = 'DELIVERED', delivered_at = confirmed_at + interval '1 hour'")
        await conn.execute("UPDATE order_offers SET status = 'ACCEPTED', responded_at = offered_at + interval '90 s'")
    delivered = await _figures(runtime, [week])
    summary, standing = delivered[0][0]["summary"], delivered[0][1][0]
    assert (summary["open"], summary["delivered"], standing["delivered"], standing["response_p50_s"]) == (
        0, 1, 1, 90.0), delivered
    async with runtime.pool.acquire() as conn:
        async with conn.transaction():
            assert day in await unsettled_days(conn, local_day(NOW, KATHMANDU), KATHMANDU)
            await roll_up_day(conn, day, NOW, KATHMANDU)
        assert (await final_days(conn, week.start, week.end, week.start, week.zone))[day] == []
        assert day not in await unsettled_days(conn, local_day(NOW, KATHMANDU), KATHMANDU)
    assert await _figures(runtime, [week]) == delivered
