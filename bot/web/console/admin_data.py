"""GET /admin/data/*: the JSON each dashboard page draws itself from (and re-reads to stay fresh)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from aiohttp import web

from bot.appkeys import CONFIG, RUNTIME
from bot.web.api.context import read_unit_of_work, unit_of_work, zone
from bot.web.api.jsonable import jsonable
from bot.web.console.session import admin_only
from domain.dashboard import Period
from domain.metrics import Grade
from domain.order_views import OrderFilter
from domain.orders import LIVE, OrderStatus
from handlers.admin.framework import UsageError, parse_period
from services import healing, safe_mode
from services.ops import console, stats
from services.ops.exports import Exporter, recent_exports
from services.ops.orders import actor_names, list_orders, order_history
from services.ops.people import find_person, retailer_profile, vendor_profile, vendor_ranking
from services.payments import balance, pending_claims
from services.tickets import open_tickets
from storage.repos.web_sessions import WebSession

MAX_CUSTOM = timedelta(days=366)
LIST = 50


def _json(value: Any) -> web.Response:
    return web.json_response(jsonable(value), headers={"Cache-Control": "no-store"})


def _bad(text: str) -> web.Response:
    return web.json_response({"error": text}, status=400)


def _period(request: web.Request) -> Period:
    """today / 7d / 30d (or any /stats period), or `custom` from..to (local dates, both included)."""
    now, config = request.app[RUNTIME].clock.now(), request.app[CONFIG]
    label = request.query.get("period", "today")
    if label != "custom":
        name, span = parse_period(label)
        return stats.period(now, name, span, config)
    try:
        start = date.fromisoformat(request.query.get("from", ""))
        end = date.fromisoformat(request.query.get("to", "")) + timedelta(days=1)
    except ValueError:
        raise UsageError("from and to: dates like 2026-11-01") from None
    if not timedelta(0) < end - start <= MAX_CUSTOM:
        raise UsageError(f"from must be before to, at most {MAX_CUSTOM.days} days apart")
    local = zone(request)
    return Period(f"{start}..{end - timedelta(days=1)}", datetime.combine(start, time(0), local),
                  datetime.combine(end, time(0), local), local)


@admin_only
async def overview(request: web.Request, session: WebSession) -> web.Response:
    try:
        period = _period(request)
    except UsageError as exc:
        return _bad(str(exc))
    board = await stats.dashboard_side_by_side(lambda: read_unit_of_work(request), period)
    async with read_unit_of_work(request) as uow:
        days = await uow.analytics.per_day(period)
        statuses = await uow.analytics.by_status(period)
        hours = await uow.analytics.fulfilment_hours(period)
        standings = await uow.analytics.vendor_standings(period)
    grades = Counter(s.grade for s in standings if s.delivered + s.failed + s.backed_out > 0)
    return _json({"board": board, "days": [{"day": d, "orders": n, "gmv": g} for d, n, g in days],
                  "statuses": statuses, "fulfilment_hours": hours,
                  "grades": {g.value: grades.get(g.value, 0) for g in Grade}})


@admin_only
async def orders(request: web.Request, session: WebSession) -> web.Response:
    wanted = request.query.get("status", "")
    statuses = LIVE if wanted == "open" else (wanted.upper(),) if wanted else ()
    if any(s not in OrderStatus.__members__ for s in statuses):
        return _bad(f"status: open or one of {', '.join(OrderStatus)}")
    async with unit_of_work(request) as uow:
        ids = {}
        for role in ("retailer", "vendor"):
            text = request.query.get(role, "").strip()[:80]
            if text:
                person = await find_person(uow, text, role)
                if person is None:
                    return _bad(f"no {role} called or numbered {text!r}")
                ids[role] = person.id
        rows, more = await list_orders(uow, OrderFilter(statuses, ids.get("retailer"), ids.get("vendor")), limit=LIST)
    return _json({"orders": rows, "more": more is not None, "statuses": list(OrderStatus)})


@admin_only
async def order(request: web.Request, session: WebSession) -> web.Response:
    try:
        order_id = int(request.match_info["order_id"])
    except ValueError:
        raise web.HTTPNotFound() from None
    async with unit_of_work(request) as uow:
        history = await order_history(uow, order_id) if 0 < order_id < 2**62 else None
        if history is None:
            raise web.HTTPNotFound(text=f"there is no order #{order_id}")
        names = await actor_names(uow, [e.actor for e in history.history])
        messages = await console.order_messages(uow, order_id)
        claims = [c for c in await pending_claims(uow) if c.retailer == history.order.retailer]
        tickets = [t for t in await open_tickets(uow) if t.order_id == order_id]
        vendors = await vendor_ranking(uow, 100)
    return _json({"order": history, "actors": names, "messages": messages, "claims": claims,
                  "tickets": tickets, "vendors": [{"name": v.name, "phone": v.phone} for v in vendors]})


@admin_only
async def stuck(request: web.Request, session: WebSession) -> web.Response:
    now, config = request.app[RUNTIME].clock.now(), request.app[CONFIG]
    async with unit_of_work(request) as uow:
        found = await healing.stuck(uow, now, config, LIST)
    return _json(found)


@admin_only
async def dead_letters(request: web.Request, session: WebSession) -> web.Response:
    async with unit_of_work(request) as uow:
        return _json({"dead": await healing.dead_letters(uow, LIST)})


@admin_only
async def safe_mode_state(request: web.Request, session: WebSession) -> web.Response:
    now, config = request.app[RUNTIME].clock.now(), request.app[CONFIG]
    async with unit_of_work(request) as uow:
        current = await safe_mode.status(uow, now, config)
    return _json({"on": current.state.active(now), "state": current.state, "load": current.load,
                  "queued": current.queued})


@admin_only
async def retailers(request: web.Request, session: WebSession) -> web.Response:
    now = request.app[RUNTIME].clock.now()
    async with unit_of_work(request) as uow:
        rows = []
        for person in (await console.people(uow))["retailer"][:LIST]:
            profile = await retailer_profile(uow, person.id, now)
            if profile is not None:
                rows.append({"profile": profile, "ledger": (await balance(uow, person.id, 5)).entries})
    return _json({"retailers": rows})


@admin_only
async def vendors(request: web.Request, session: WebSession) -> web.Response:
    now, config = request.app[RUNTIME].clock.now(), request.app[CONFIG]
    async with unit_of_work(request) as uow:
        rows = []
        for rank in await vendor_ranking(uow, LIST):
            profile = await vendor_profile(uow, rank.id, now, on_time_within=config.orders.delivery_limit)
            rows.append({"profile": profile, "stock": await console.vendor_stock(uow, rank.id)})
    return _json({"vendors": rows})


@admin_only
async def exports(request: web.Request, session: WebSession) -> web.Response:
    exporter, now = Exporter.from_config(request.app[CONFIG]), request.app[RUNTIME].clock.now()
    async with unit_of_work(request) as uow:
        records = await recent_exports(uow, 20)
    return _json({"exports": [{**jsonable(r), "url": exporter.url(r) if r.expires_at > now else None}
                              for r in records]})
