"""/runs, /run: operators look at delivery runs."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from domain.delivery_runs import Run, maps_link
from domain.formatting import money, platform_zone
from handlers.admin.args import find_person
from handlers.admin.framework import UsageError, admin_command, parse_reference, require
from handlers.context import Reply
from handlers.routing import Router
from services import UnitOfWork, delivery

router = Router("admin.delivery")
LIST_SIZE = 15


def _line(run: Run, zone: tzinfo) -> str:
    done = sum(s.delivered_at is not None for s in run.stops)
    return (f"run {run.id} · {run.vendor} · {run.vehicle} · {run.day} · {run.status.value.lower()} · "
            f"{len(run.stops)} stops ({done} delivered) · {run.km:.1f} km · "
            f"leaves {run.leaves_at.astimezone(zone):%H:%M}")


def run_view(run: Run, zone: tzinfo) -> str:
    lines = [f"🚚 {_line(run, zone)}"]
    for s in run.stops:
        state = f"delivered {s.delivered_at.astimezone(zone):%H:%M}" if s.delivered_at else \
            f"eta {s.eta.astimezone(zone):%H:%M}"
        lines.append(f"{s.seq}. {s.shop} ({s.phone}), {s.address or '-'} · {state} · {s.weight_kg} kg · "
                     f"collect {money(s.to_collect)} · {', '.join(f'#{o}' for o in s.order_ids)} · "
                     f"{maps_link(s.lat, s.lon)}")
    return "\n".join(lines)


@admin_command(router, "/runs", usage="/runs [VENDOR] [today]", summary="the latest delivery runs")
async def show_runs(args: list[str], reply: Reply, uow: UnitOfWork, config: Any, now: datetime) -> None:
    require(args, 0, 2)
    zone = platform_zone(config)
    today = bool(args) and args[-1].lower() == "today"
    named = args[:-1] if today else args
    vendor_id = (await find_person(uow, named[0], "vendor")).id if named else None
    found = await delivery.runs(uow, vendor_id=vendor_id, day=now.astimezone(zone).date() if today else None,
                                limit=LIST_SIZE)
    if not found:
        await reply.text("No delivery runs" + (" today." if today else " yet."))
        return
    await reply.text("\n".join(_line(r, zone) for r in found))


@admin_command(router, "/run", usage="/run RUN", summary="one delivery run: stops in order, ETAs, what is done")
async def show_run(args: list[str], reply: Reply, uow: UnitOfWork, config: Any) -> None:
    require(args, 1, 1)
    found = await delivery.run(uow, parse_reference(args[0], "a run number, like 12"))
    if found is None:
        raise UsageError(f"there is no run {args[0]}")
    await reply.text(run_view(found, platform_zone(config)))
