"""/stats: the dashboard in the ops chat (the same numbers as GET /api/v1/admin/dashboard)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from handlers.admin import views
from handlers.admin.args import zone
from handlers.admin.framework import admin_command, parse_period, require
from handlers.context import Reply
from handlers.routing import Router
from services import UnitOfWork
from storage.analytics import dashboard, period_ending

router = Router("admin.stats")


@admin_command(router, "/stats", usage="/stats [today|7d|30d]",
               summary="GMV, orders, success rate, failures, fulfilment time, top products and vendors")
async def show_stats(args: list[str], reply: Reply, uow: UnitOfWork, now: datetime, config: Any) -> None:
    require(args, 0, 1)
    label, span = parse_period(args[0] if args else "")
    period = period_ending(now, label, span, config.reminders.timezone_offset_minutes)
    await reply.text(views.stats(await dashboard(uow.conn, period), zone(config)))
