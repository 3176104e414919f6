"""/prices, /pricealerts: what vendors charge for a SKU, its trend, outliers and a suggested retail price;
/stock VENDOR: a vendor's days of stock cover and reorder advice; /finance [period]."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.formatting import money, qty
from handlers.admin.args import find_person
from handlers.admin.framework import UsageError, admin_command, parse_period, require, rest
from handlers.context import Reply
from handlers.routing import Router
from services import UnitOfWork
from services.finance import finance_report
from services.ops.stats import period
from services.prices import MarketView, find_product, market_view, price_alerts
from services.stock_cover import stock_report

router = Router("admin.market")


def _trend(value: Decimal | None) -> str:
    return "-" if value is None else f"{value * 100:+.1f} %"


def _outlier_lines(view: MarketView) -> list[str]:
    median = view.spread.median if view.spread else Decimal(1)
    return [f"  {view.names[v]}: {money(p)} ({(p / median - 1) * 100:+.0f} % from median)"
            for v, p in sorted(view.outliers.items())]


@admin_command(router, "/prices", usage="/prices SKU|NAME",
               summary="vendor prices of a product: min/median/max, 7/30-day trend, suggested retail price")
async def show_prices(args: list[str], reply: Reply, uow: UnitOfWork, now: datetime, config: Any) -> None:
    require(args, 1)
    product = await find_product(uow, rest(args, 0))
    if product is None:
        raise UsageError(f"no product with SKU or name {rest(args, 0)!r}")
    view = await market_view(uow, product.sku, now, config)
    lines = [f"Prices of {product.name} ({product.sku}), cost per {product.unit}"]
    if view.spread is None:
        lines.append(f"No vendor prices; catalogue cost {money(product.price)}")
    else:
        s = view.spread
        lines.append(f"{s.vendors} vendors: min {money(s.low)} · median {money(s.median)} · max {money(s.high)}")
    lines.append(f"Trend 7 days {_trend(view.trend_7d)} · 30 days {_trend(view.trend_30d)}")
    if view.suggested is not None:
        lines.append(f"Suggested retail price {money(view.suggested)}")
    if view.outliers:
        lines.append("Price alerts:")
        lines += _outlier_lines(view)
    await reply.text("\n".join(lines))


@admin_command(router, "/pricealerts", usage="/pricealerts",
               summary="vendor prices far from the market median (market.alert_share)")
async def show_alerts(args: list[str], reply: Reply, uow: UnitOfWork, now: datetime, config: Any) -> None:
    require(args, 0, 0)
    alerts = await price_alerts(uow, now, config)
    if not alerts:
        await reply.text(f"No price alerts: every vendor price is within {config.market.alert_share:.0%} of its market")
        return
    lines = [f"Price alerts ({len(alerts)} products):"]
    for view in alerts:
        assert view.spread is not None
        lines.append(f"{view.sku} (median {money(view.spread.median)}):")
        lines += _outlier_lines(view)
    await reply.text("\n".join(lines))


@admin_command(router, "/stock", usage="/stock VENDOR",
               summary="a vendor's days of stock cover per product and the reorder advice")
async def show_stock(args: list[str], reply: Reply, uow: UnitOfWork, now: datetime, config: Any) -> None:
    require(args, 1)
    vendor = await find_person(uow, rest(args, 0), "vendor")
    lines = await stock_report(uow, vendor.id, now, config)
    m = config.market
    if not lines:
        await reply.text(f"{vendor.name} tracks no stock")
        return
    out = [f"Stock cover of {vendor.name} (sales of the last {m.sales_days} days, reorder for {m.target_cover_days}"
           " days):"]
    for li in lines:
        cover = "no sales" if li.cover is None else f"{li.cover} days"
        advice = f" · reorder {qty(li.reorder)} {li.unit}" if li.reorder else ""
        flag = "LOW " if li.low else ""
        out.append(f"{flag}{li.name}: {qty(li.stock)} {li.unit}, {qty(li.per_day.quantize(Decimal('0.1')))}/day,"
                   f" {cover}{advice}")
    await reply.text("\n".join(out))


@admin_command(router, "/finance", usage="/finance [today|7d|30d]",
               summary="GMV, platform margin, payments by method, outstanding by age")
async def show_finance(args: list[str], reply: Reply, uow: UnitOfWork, now: datetime, config: Any) -> None:
    require(args, 0, 1)
    label, span = parse_period(args[0] if args else "", default="30d")
    report = await finance_report(uow, period(now, label, span, config), now)
    share = f" ({report.margin / report.gmv:.1%})" if report.gmv else ""
    paid = " · ".join(f"{m} {money(a)}" for m, a in report.payments.items()) or "none"
    owed = " · ".join(f"{b} days {money(a)}" for b, a in report.outstanding.items())
    await reply.text("\n".join([
        f"Finance, {label}:",
        f"GMV {money(report.gmv)} from {report.orders} delivered orders",
        f"Platform margin {money(report.margin)}{share}",
        f"Payments received: {paid}",
        f"Outstanding now by age: {owed} · total {money(sum(report.outstanding.values(), Decimal(0)))}",
    ]))
