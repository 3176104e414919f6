"""/stats: the dashboard in the ops chat (the same numbers as GET /api/v1/admin/dashboard)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from domain.formatting import platform_zone
from handlers.admin import views
from handlers.admin.framework import admin_command, parse_period, require
from handlers.context import Reply
from handlers.routing import Router
from services import UnitOfWork
from services.ops import stats

router = Router("admin.stats")


@admin_command(router, "/stats", usage="/stats [today|7d|30d]",
               summary="GMV, orders, success rate, failures, fulfilment time, top products and vendors")
async def show_stats(args: list[str], reply: Reply, reads: Callable[[], UnitOfWork], now: datetime,
                     config: Any) -> None:
    require(args, 0, 1)
    label, span = parse_period(args[0] if args else "")
    async with reads() as uow:  # DATABASE_READ_URL when set
        board = await stats.dashboard(uow, stats.period(now, label, span, config))
    await reply.text(views.stats(board, platform_zone(config)))
