"""GET /api/v1/products/{sku}/prices (the market view of /prices) and GET /api/v1/finance (/finance)."""

from __future__ import annotations

from aiohttp import web

from bot.appkeys import CONFIG, RUNTIME
from bot.web.api.auth import authenticated
from bot.web.api.context import unit_of_work
from bot.web.api.jsonable import jsonable
from bot.web.api.params import BadParam, bad_request
from handlers.admin.framework import parse_period
from services.finance import finance_report
from services.ops import stats
from services.prices import market_view


@authenticated
async def product_prices(request: web.Request) -> web.Response:
    sku = request.match_info["sku"]
    now = request.app[RUNTIME].clock.now()
    async with unit_of_work(request) as uow:
        if sku not in await uow.products.by_skus([sku]):
            return web.json_response({"error": f"no product {sku!r}"}, status=404)
        view = await market_view(uow, sku, now, request.app[CONFIG])
    return web.json_response(jsonable({
        "sku": view.sku, "spread": view.spread, "trend_7d": view.trend_7d, "trend_30d": view.trend_30d,
        "suggested_retail": view.suggested,
        "alerts": [{"vendor_id": v, "vendor": view.names[v], "price": p} for v, p in sorted(view.outliers.items())]}))


@authenticated
async def finance(request: web.Request) -> web.Response:
    try:
        label, span = parse_period(request.query.get("period", "30d"))
    except (ValueError, OverflowError) as exc:
        return bad_request(BadParam(f"period: {exc}"))
    now = request.app[RUNTIME].clock.now()
    async with unit_of_work(request) as uow:
        report = await finance_report(uow, stats.period(now, label, span, request.app[CONFIG]), now)
    return web.json_response(jsonable({
        "period": label, "gmv": report.gmv, "margin": report.margin, "delivered_orders": report.orders,
        "payments_by_method": report.payments, "outstanding_by_age_days": report.outstanding}))
