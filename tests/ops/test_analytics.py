"""The dashboard's product ranking gives the same answer from the daily roll-up as from the order lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.runtime import Runtime
from domain.dashboard import period_ending
from domain.formatting import zone_named
from services import UnitOfWork
from services.ops import stats
from storage.analytics import Analytics
from storage.clock import FakeClock
from storage.product_sales import by_local_day, final_days, live_ranges
from storage.rollup import roll_up_day, unsettled_days
from tests.ops.conftest import seed_ops_data

KATHMANDU = zone_named("Asia/Kathmandu")


async def test_rolled_up_days_and_live_lines_agree(runtime: Runtime) -> None:
    await seed_ops_data(runtime)
    now = FakeClock.START + timedelta(days=3, hours=6)  # 5 Nov, 16:00 local
    week = period_ending(now, "7d", timedelta(days=7), KATHMANDU)
    async with runtime.pool.acquire() as conn:
        analytics = Analytics(conn)
        live = await analytics.top_products(week)
        assert await final_days(conn, week.previous.start, week.end, week.start, week.zone) == {}
        for day in range(7):
            await roll_up_day(conn, (FakeClock.START - timedelta(days=day)).date(), now, KATHMANDU)
        rolled = await final_days(conn, week.previous.start, week.end, week.start, week.zone)
        # 2 November still has open orders: the roll-up leaves them out, and they are read from the orders
        assert [(d.isoformat(), bool(ids)) for d, ids in rolled.items()][-2:] == [
            ("2026-11-01", False), ("2026-11-02", True)]
        async with conn.transaction():
            unsettled = [d.isoformat() for d in await unsettled_days(conn, now.date(), KATHMANDU)]
        assert "2026-11-02" in unsettled and "2026-11-01" not in unsettled
        assert await analytics.top_products(week) == live
        # the rolled days really are read from the roll-up: a line changed since is not seen there
        await conn.execute("UPDATE order_items SET line_total = 1.00 WHERE order_id = 1001")
        assert await analytics.top_products(week) == live
    assert [(p.sku, str(p.sales)) for p in live] == [
        ("SUGAR-LOOSE", "1890.00"), ("RICE-SONA-LOOSE", "900.00"), ("RICE-JEERA-LOOSE", "575.00")]


async def test_reads_side_by_side_and_one_by_one_give_the_same_dashboard(runtime: Runtime) -> None:
    await seed_ops_data(runtime)
    today = stats.period(FakeClock.START, "today", None, runtime.config)
    async with UnitOfWork(runtime.pool) as uow:
        one_by_one = await stats.dashboard(uow, today)
    assert await stats.dashboard_side_by_side(lambda: UnitOfWork(runtime.pool), today) == one_by_one
    assert one_by_one.summary.orders == 5


def test_live_ranges_skip_the_rolled_days() -> None:
    week = period_ending(FakeClock.START, "7d", timedelta(days=7), KATHMANDU)
    days = [(FakeClock.START - timedelta(days=n)).date() for n in (4, 3, 1)]
    ranges = live_ranges(week.previous.start, week.end, days, week.zone)
    assert [(a.astimezone(week.zone).strftime("%d %H:%M"), b.astimezone(week.zone).strftime("%d %H:%M"))
            for a, b in ranges] == [("19 10:00", "29 00:00"), ("31 00:00", "01 00:00"), ("02 00:00", "02 10:00")]


def test_live_ranges_are_read_a_local_day_at_a_time() -> None:
    start = datetime(2026, 11, 1, 6, 15, tzinfo=UTC)  # noon in Kathmandu
    later = start + timedelta(days=3)
    pieces = by_local_day([(start, start + timedelta(days=2)), (later, later + timedelta(hours=1))], KATHMANDU)
    assert [(a.astimezone(KATHMANDU).strftime("%d %H:%M"), b.astimezone(KATHMANDU).strftime("%d %H:%M"))
            for a, b in pieces] == [("01 12:00", "02 00:00"), ("02 00:00", "03 00:00"), ("03 00:00", "03 12:00"),
                                    ("04 12:00", "04 13:00")]
    assert by_local_day([], KATHMANDU) == []
