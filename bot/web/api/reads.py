"""GET /api/v1/admin/dashboard, /api/v1/orders, /api/v1/vendors/scores."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from bot.appkeys import CONFIG, RUNTIME
from bot.web.api import params
from bot.web.api.auth import authenticated
from bot.web.api.context import read_unit_of_work, unit_of_work, zone
from bot.web.api.jsonable import jsonable
from bot.web.api.params import BadParam, bad_request, integer, moment
from domain.order_views import OrderFilter
from domain.orders import OrderStatus
from handlers.admin.framework import parse_period
from services import UnitOfWork
from services.ops import stats
from services.ops.orders import PAGE_MAX, list_orders
from services.ops.people import find_person, vendor_ranking

MAX_PERIOD = timedelta(days=3660)


@authenticated
async def dashboard(request: web.Request) -> web.Response:
    try:
        label, span = parse_period(request.query.get("period", "today"))
        if span is not None and span > MAX_PERIOD:
            raise ValueError(f"at most {MAX_PERIOD.days}d")
    except (ValueError, OverflowError) as exc:  # OverflowError: a span no timedelta holds
        return bad_request(BadParam(f"period: {exc}"))
    period = stats.period(request.app[RUNTIME].clock.now(), label, span, request.app[CONFIG])
    return web.json_response(jsonable(await stats.dashboard_side_by_side(lambda: read_unit_of_work(request), period)))


async def _person_id(uow: UnitOfWork, request: web.Request, name: str) -> int | None:
    text = params.text(request, name)
    if not text:
        return None
    user = await find_person(uow, text, name)
    if user is None:
        raise BadParam(f"{name}: no {name} called or numbered {text!r}")
    return user.id


def _statuses(request: web.Request) -> tuple[str, ...]:
    wanted = tuple(s.strip().upper() for s in request.query.get("status", "").split(",") if s.strip())
    unknown = [s for s in wanted if s not in OrderStatus.__members__]
    if unknown:
        raise BadParam(f"status: unknown {', '.join(unknown)}; one of {', '.join(OrderStatus)}")
    return wanted


@authenticated
async def orders(request: web.Request) -> web.Response:
    """Newest first; `next_cursor` is passed back as `cursor` for the next page."""
    local = zone(request)
    try:
        limit = integer(request, "limit", 50, 1, PAGE_MAX)
        cursor = integer(request, "cursor", 0, 1, 2**62) or None
        start, end = moment(request, "from", local), moment(request, "to", local, end=True)
        statuses = _statuses(request)
        async with unit_of_work(request) as uow:
            flt = OrderFilter(statuses, await _person_id(uow, request, "retailer"),
                              await _person_id(uow, request, "vendor"), start, end)
            rows, next_cursor = await list_orders(uow, flt, limit=limit, before_id=cursor)
    except BadParam as exc:
        return bad_request(exc)
    return web.json_response({"orders": jsonable(rows),
                              "next_cursor": str(next_cursor) if next_cursor else None})


@authenticated
async def vendor_scores(request: web.Request) -> web.Response:
    try:
        limit = integer(request, "limit", 100, 1, 1000)
    except BadParam as exc:
        return bad_request(exc)
    async with unit_of_work(request) as uow:
        rows = await vendor_ranking(uow, limit)
    return web.json_response({"vendors": jsonable(rows)})
