"""The dashboard: one definition for /stats in the ops chat and GET /api/v1/admin/dashboard.

`dashboard` reads the figures one after another in a unit of work; `dashboard_side_by_side` reads
them at once, each in a unit of work of its own (the API, where latency counts), and the top products'
parts at once too. Both rank the same standings the same way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from domain.dashboard import TOP, Dashboard, Period, ProductSales, fastest, most_reliable, period_ending
from domain.formatting import platform_zone
from storage.analytics import Analytics
from storage.product_sales import ranked
from storage.uow import UnitOfWork

T = TypeVar("T")
_READS: tuple[Callable[[Analytics, Period], Awaitable[Any]], ...] = (
    Analytics.summary, Analytics.failures, Analytics.fulfilment, Analytics.top_products, Analytics.vendor_standings)


def period(now: datetime, label: str, span: timedelta | None, config: Any) -> Period:
    """`span` up to `now`, or (None) today from the platform's local midnight."""
    return period_ending(now, label, span, platform_zone(config))


def _assemble(period: Period, figures: list[Any]) -> Dashboard:
    totals, failed, fulfilled, products, standings = figures
    return Dashboard(period, totals, failed, fulfilled, products, most_reliable(standings), fastest(standings))


async def dashboard(uow: UnitOfWork, period: Period) -> Dashboard:
    return _assemble(period, [await read(uow.analytics, period) for read in _READS])


async def dashboard_side_by_side(unit_of_work: Callable[[], UnitOfWork], period: Period) -> Dashboard:
    """The same dashboard, its reads run at once, each in its own unit of work from `unit_of_work()`;
    the top products' parts (the rolled-up days, each live day) too, as theirs is the longest read."""
    async def on_own(read: Callable[[Analytics], Awaitable[T]]) -> T:
        async with unit_of_work() as uow:
            return await read(uow.analytics)

    async def top_products() -> list[ProductSales]:
        # one connection at a time in each step: boards read at once cannot hold the pool and wait for it
        parts = await on_own(lambda a: a.product_parts(period))
        totals = await asyncio.gather(*(on_own(partial(Analytics.product_totals, period=period, part=part))
                                        for part in parts))
        return ranked(list(totals), TOP)

    async def read(figure: Callable[[Analytics, Period], Awaitable[Any]]) -> Any:
        if figure is Analytics.top_products:
            return await top_products()
        return await on_own(lambda a: figure(a, period))

    return _assemble(period, list(await asyncio.gather(*(read(figure) for figure in _READS))))
