"""Top-selling products of a period with their trend, from the daily roll-up where it is final.

The scan this metric needs is the biggest of the dashboard (every order line of the period and the
one before it), so whole local days come from `analytics_daily_products` (see storage.rollup, kept by
the daily job) when their roll-up was written after the day ended, and everything else — today, the
partial days at the edges, days not rolled up, the orders a roll-up left out as they were open — is
summed live from order_items. Both count the same way: lines of placed orders that did not end
unfulfilled, on the local day the order was created.

The split of a period into those parts (`final_days`, `live_ranges`, `left_out`) is the one every
dashboard read uses (storage.analytics).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal

import asyncpg

from domain.dashboard import ProductSales
from domain.metrics import trend
from storage.dashboard_sql import left_out_orders

ZERO = Decimal(0)

# Quantity and sales in the period (`cur`) and before it, per sku, of the lines of `placed` (id, cur).
_LINES = """
WITH placed AS MATERIALIZED ({placed}){bounds}
SELECT i.sku, COALESCE(sum(i.quantity) FILTER (WHERE p.cur), 0) AS quantity,
       COALESCE(sum(i.line_total) FILTER (WHERE p.cur), 0) AS sales,
       COALESCE(sum(i.line_total) FILTER (WHERE NOT p.cur), 0) AS previous_sales
FROM {lines} JOIN placed p ON p.id = i.order_id
GROUP BY i.sku
"""
# Placed, not failed orders created in [$1, $2): their lines are read for the id range of those orders
# (ids grow with time, so that range is tight), then joined back.
_LIVE = _LINES.format(
    placed="SELECT o.id, o.created_at >= $3 AS cur FROM orders o WHERE o.confirmed_at IS NOT NULL"
           " AND o.created_at >= $1 AND o.created_at < $2 AND o.status <> ALL($4)",
    bounds=", bounds AS (SELECT min(id) AS low, max(id) AS high FROM placed)",
    lines="bounds b JOIN order_items i ON i.order_id BETWEEN b.low AND b.high")
# Those the rolled-up days left out ($1..$4, storage.dashboard_sql.left_out_orders), by id.
_LEFT_OUT = _LINES.format(
    placed=f"SELECT o.id, o.created_at >= $5 AS cur FROM {left_out_orders(1)} WHERE o.confirmed_at IS NOT NULL"
           " AND o.status <> ALL($6)",
    bounds="", lines="order_items i")
_ROLLED = """
SELECT sku, COALESCE(sum(quantity) FILTER (WHERE day >= $2), 0) AS quantity,
       COALESCE(sum(gmv) FILTER (WHERE day >= $2), 0) AS sales,
       COALESCE(sum(gmv) FILTER (WHERE day < $2), 0) AS previous_sales
FROM analytics_daily_products WHERE day = ANY($1) GROUP BY sku
"""
# Each part's totals come with the products' names, so no query is left once the parts are added up.
_NAMED = "SELECT t.*, p.name, p.unit FROM ({}) t LEFT JOIN products p ON p.sku = t.sku"
LIVE_SQL, LEFT_OUT_SQL, ROLLED_SQL = _NAMED.format(_LIVE), _NAMED.format(_LEFT_OUT), _NAMED.format(_ROLLED)


def _day_start(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), zone)


async def final_days(conn: asyncpg.Connection, start: datetime, end: datetime, split: datetime,
                     zone: tzinfo) -> dict[date, list[int]]:
    """Local days wholly inside [start, end), not straddling `split`, whose roll-up is final — written
    after the day ended, with every figure the dashboard reads — each with the ids of the orders it
    left out as they were open (read from the orders, so their later ends show at once)."""
    first = start.astimezone(zone).date() + timedelta(days=1)
    last = end.astimezone(zone).date() - timedelta(days=1)
    if first > last:
        return {}
    rows = await conn.fetch("SELECT day, updated_at, open_ids FROM analytics_daily WHERE day BETWEEN $1 AND $2"
                            " AND open_ids IS NOT NULL ORDER BY day", first, last)  # see migration 0107
    split_day = split.astimezone(zone).date()
    straddled = split_day if _day_start(split_day, zone) != split else None
    return {r["day"]: r["open_ids"] for r in rows
            if r["updated_at"] >= _day_start(r["day"] + timedelta(days=1), zone) and r["day"] != straddled}


def live_ranges(start: datetime, end: datetime, days: Iterable[date],
                zone: tzinfo) -> list[tuple[datetime, datetime]]:
    """[start, end) less the given local days (sorted), as a few intervals."""
    ranges, cursor = [], start
    for day in days:
        day_start, day_end = _day_start(day, zone), _day_start(day + timedelta(days=1), zone)
        if day_start > cursor:
            ranges.append((cursor, day_start))
        cursor = max(cursor, day_end)
    if cursor < end:
        ranges.append((cursor, end))
    return ranges


@dataclass(frozen=True)
class LeftOut:
    """The orders the rolled-up days left out, as the live reads take them: their ids, and the index
    (from 1) of each one's day in `lows` and `highs`, the bounds of those days."""
    ids: tuple[int, ...] = ()
    days: tuple[int, ...] = ()
    lows: tuple[datetime, ...] = ()
    highs: tuple[datetime, ...] = ()

    def args(self) -> tuple[list[int], list[int], list[datetime], list[datetime]]:
        return list(self.ids), list(self.days), list(self.lows), list(self.highs)


def left_out(days: dict[date, list[int]], zone: tzinfo) -> LeftOut:
    """The orders the rolled-up days left out, each with its day."""
    held = [(day, ids) for day, ids in days.items() if ids]
    return LeftOut(tuple(i for _, ids in held for i in ids),
                   tuple(n for n, (_, ids) in enumerate(held, 1) for _ in ids),
                   tuple(_day_start(day, zone) for day, _ in held),
                   tuple(_day_start(day + timedelta(days=1), zone) for day, _ in held))


LiveArgs = tuple[list[datetime], list[datetime], list[int], list[int], list[datetime], list[datetime]]


def live_args(ranges: Iterable[tuple[datetime, datetime]], orders: LeftOut) -> LiveArgs:
    """$2..$7 of a live read (storage.dashboard_sql.LIVE_ORDERS): the ranges' bounds, and the left-out
    orders."""
    spans = list(ranges)
    return [low for low, _ in spans], [high for _, high in spans], *orders.args()


@dataclass(frozen=True)
class Part:
    """A piece of a period's sales read by one query: the rolled-up days, one live range within one
    local day, or the orders the rolled-up days left out. The pieces of a period may be read at once,
    each on a connection of its own."""
    days: tuple[date, ...] = ()
    low: datetime | None = None
    high: datetime | None = None
    left_out: LeftOut | None = None


@dataclass
class Totals:
    """One part's sales per sku: [quantity, sales, previous sales], and (name, unit) of those in the catalogue."""
    figures: dict[str, list[Decimal]] = field(default_factory=dict)
    names: dict[str, tuple[str, str]] = field(default_factory=dict)


def by_local_day(ranges: list[tuple[datetime, datetime]], zone: tzinfo) -> list[tuple[datetime, datetime]]:
    """The ranges cut at each local midnight: days that are not final are read side by side."""
    pieces = []
    for low, high in ranges:
        while low < high:
            midnight = _day_start(low.astimezone(zone).date() + timedelta(days=1), zone)
            pieces.append((low, min(midnight, high)))
            low = midnight
    return pieces


async def parts(conn: asyncpg.Connection, previous_start: datetime, start: datetime, end: datetime,
                zone: tzinfo) -> list[Part]:
    """[previous_start, end) as the rolled-up days (final, not straddling `start`), the live ranges and
    the orders those days left out."""
    days = await final_days(conn, previous_start, end, start, zone)
    live = [Part(low=low, high=high) for low, high in by_local_day(live_ranges(previous_start, end, days, zone), zone)]
    orders = left_out(days, zone)
    return ([Part(days=tuple(days))] if days else []) + live + ([Part(left_out=orders)] if orders.ids else [])


async def part_totals(conn: asyncpg.Connection, part: Part, start: datetime, failed: list[str],
                      zone: tzinfo) -> Totals:
    """Quantity and sales in [start, …) and sales before `start`, per sku, of one part."""
    if part.days:
        rows = await conn.fetch(ROLLED_SQL, list(part.days), start.astimezone(zone).date())
    elif part.left_out:
        rows = await conn.fetch(LEFT_OUT_SQL, *part.left_out.args(), start, failed)
    else:
        rows = await conn.fetch(LIVE_SQL, part.low, part.high, start, failed)
    return Totals({r["sku"]: [r["quantity"], r["sales"], r["previous_sales"]] for r in rows},
                  {r["sku"]: (r["name"], r["unit"]) for r in rows if r["name"] is not None})


def ranked(totals: list[Totals], limit: int) -> list[ProductSales]:
    """The parts' totals added up, best sellers by value first, with their names and trend."""
    summed: dict[str, list[Decimal]] = {}
    names: dict[str, tuple[str, str]] = {}
    for part in totals:
        names.update(part.names)
        for sku, figures in part.figures.items():
            entry = summed.setdefault(sku, [ZERO, ZERO, ZERO])
            for i, value in enumerate(figures):
                entry[i] += value
    best = sorted(((sku, t) for sku, t in summed.items() if t[1] > 0), key=lambda st: (-st[1][1], st[0]))[:limit]
    return [ProductSales(sku, *names.get(sku, (sku, "")), q, s, p, trend(float(s), float(p)))
            for sku, (q, s, p) in best]


async def top_products(conn: asyncpg.Connection, previous_start: datetime, start: datetime, end: datetime,
                       failed: list[str], zone: tzinfo, limit: int) -> list[ProductSales]:
    """Best sellers of [start, end) by value, with their value in [previous_start, start), on one connection."""
    totals = [await part_totals(conn, part, start, failed, zone)
              for part in await parts(conn, previous_start, start, end, zone)]
    return ranked(totals, limit)
