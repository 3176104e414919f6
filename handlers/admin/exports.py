"""/export: a file of orders for a date range, sent as a WhatsApp document behind a signed, expiring link."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from domain.formatting import days, platform_zone, when
from handlers.admin.framework import Audit, UsageError, admin_command, require
from handlers.context import Reply, Turn
from handlers.routing import Router
from services import UnitOfWork
from services.ops.exports import FORMATS, KINDS, Exporter, parse_date_range

router = Router("admin.exports")


@admin_command(router, "/export", usage="/export orders 2026-11-01..2026-11-30 [csv|xlsx]",
               summary="a CSV or Excel file of orders, sent as a download link")
async def export(args: list[str], reply: Reply, uow: UnitOfWork, reads: Callable[[], UnitOfWork], turn: Turn,
                 now: datetime, config: Any) -> Audit:
    require(args, 2, 3)
    kind, fmt = args[0].lower(), (args[2].lower() if len(args) > 2 else "csv")
    if kind not in KINDS:
        raise UsageError(f"cannot export {args[0]!r}: use {', '.join(KINDS)}")
    if fmt not in FORMATS:
        raise UsageError(f"{args[2]!r} is not a format: use {' or '.join(FORMATS)}")
    try:
        start, end = parse_date_range(args[1])
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    exporter = Exporter.from_config(config)
    if not exporter.secret:
        await reply.text("Exports are switched off: set KHAACHO_SECRET_KEY to sign links.")
        return Audit(after={"refused": "no signing secret"})
    async with reads() as replica:
        record = await exporter.export_orders(uow, start, end, fmt, requested_by=turn.phone, now=now, reads=replica)
    await reply.text(f"Orders {days(start, end)}: {record.rows} rows, {fmt.upper()}."
                     f" Link valid until {when(record.expires_at, platform_zone(config))}.",
                     media_url=exporter.url(record))
    return Audit(subject=f"export #{record.id}", after={"file": record.file_name, "rows": record.rows})
