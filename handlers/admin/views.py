"""Plain-text renderings of operator reports for the ops chat (English, compact, one fact a line)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo

from domain.catalog import Product
from domain.credit_scorecard import WEIGHTS, Scorecard
from domain.dashboard import Dashboard
from domain.formatting import duration, money, qty, when
from domain.metrics import Direction, Trend
from domain.order_views import MessageReceipt, OrderHistory, OrderRow
from domain.profiles import RetailerProfile, VendorProfile, VendorRank
from domain.scoring import risk_for
from services.reminders import Plan

ARROW = {Direction.UP: "▲", Direction.DOWN: "▼", Direction.FLAT: "="}


def percent(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio * 100:.1f}%"


def change(t: Trend) -> str:
    if t.ratio is None:
        return f"{ARROW[t.direction]} new" if t.current else "="
    return f"{ARROW[t.direction]} {t.ratio * 100:+.0f}%"


def stats(board: Dashboard, zone: tzinfo) -> str:
    s, f = board.summary, board.fulfilment
    lines = [
        f"📊 {board.period.label} ({when(board.period.start, zone)} → {when(board.period.end, zone)})",
        f"GMV {money(s.gmv)} {change(s.gmv_trend)} (before: {money(s.previous_gmv)})",
        f"Orders {s.orders} (before: {s.previous_orders}) · delivered {s.delivered} · open {s.open}"
        f" · failed {s.failed}",
        f"Success rate {percent(s.success_rate)}",
        "",
        f"Fulfilment (confirmed → delivered, {f.delivered} orders): avg {duration(f.average_s)}"
        f" · p50 {duration(f.p50_s)} · p90 {duration(f.p90_s)}",
        "",
        "Failed orders by cause:",
    ]
    lines += [f"  {c.status} · {c.cause}: {c.orders} ({money(c.value)})" for c in board.failures] or ["  none"]
    lines += ["", "Top products:"]
    lines += [f"  {i}. {p.name}: {money(p.sales)}, {qty(p.quantity)} {p.unit} {change(p.trend)}"
              for i, p in enumerate(board.top_products, 1)] or ["  none"]
    lines += ["", "Most reliable vendors:"]
    lines += [f"  {v.grade} {v.name}: {v.reliability:.0f} ({v.delivered} delivered, {v.failed} failed,"
              f" {v.backed_out} backed out)" for v in board.reliable] or ["  none"]
    lines += ["", "Fastest to answer (median · average):"]
    lines += [f"  {i}. {v.name}: {duration(v.response_p50_s)} · {duration(v.response_avg_s)}"
              f" ({v.answered}/{v.offers} answered)" for i, v in enumerate(board.responsive, 1)] or ["  none"]
    return "\n".join(lines)


def order_line(o: OrderRow, zone: tzinfo) -> str:
    vendor = f" → {o.vendor}" if o.vendor else ""
    return f"#{o.id} {o.status} {money(o.total)} · {o.retailer}{vendor} · {when(o.created_at, zone)}"


def order_list(rows: list[OrderRow], status: str | None, zone: tzinfo, more: bool) -> str:
    head = f"Orders{' ' + status if status else ''} (newest first):"
    if not rows:
        return f"{head}\n  none"
    tail = ["…older orders not shown"] if more else []
    return "\n".join([head, *(order_line(o, zone) for o in rows), *tail])


def order_history(h: OrderHistory, names: dict[str, str], zone: tzinfo) -> str:
    o = h.order
    lines = [f"Order #{o.id} · {o.status} · {money(o.total)}",
             f"Retailer: {o.retailer} ({o.retailer_phone})",
             f"Vendor: {o.vendor} ({o.vendor_phone})" if o.vendor else "Vendor: none"]
    if o.parent_id:
        lines.append(f"Split from #{o.parent_id}")
    if h.children:
        lines.append("Split into " + ", ".join(f"#{c}" for c in h.children))
    if o.failure_reason:
        lines.append(f"Reason: {o.failure_reason}")
    lines += ["", "Items:"]
    lines += [f"  {li.name} {qty(li.quantity)} {li.unit} × {money(li.unit_price)} = {money(li.line_total)}"
              for li in h.lines] or ["  none"]
    lines += ["", "Offers:"]
    lines += [f"  {f.vendor}: {f.status} (offered {when(f.offered_at, zone)}"
              + (f", answered {when(f.responded_at, zone)}" if f.responded_at else "")
              + (f", {f.reason}" if f.reason else "") + ")" for f in h.offers] or ["  none"]
    lines += ["", "History:"]
    lines += [f"  {when(e.at, zone)} {e.from_status or '-'} → {e.to_status} by {names[e.actor]}"
              + (f": {e.reason}" if e.reason else "") for e in h.history] or ["  none"]
    lines += ["", "Messages:"]
    lines += [receipt(m, zone) for m in h.messages] or ["  none"]
    return "\n".join(lines)


MESSAGE_SHOWN = 40  # characters of a message's first line in /order


def receipt(m: MessageReceipt, zone: tzinfo) -> str:
    """'  to Ram Kirana "Order #1001 confirmed…" (template): sent 10:05 · delivered 10:06 · read 10:09'."""
    first = m.body.strip().splitlines()[0] if m.body.strip() else ""
    text = first[:MESSAGE_SHOWN] + ("…" if len(first) > MESSAGE_SHOWN or "\n" in m.body.strip() else "")
    steps = [f"{name} {when(at, zone)}" for name, at in
             (("sent", m.sent_at), ("delivered", m.delivered_at), ("read", m.read_at)) if at]
    if m.status == "held":
        steps = ["held until the customer writes (24-hour window)"]
    elif m.status in ("failed", "dead") or not steps:
        steps.append(m.status)
    shown = " · ".join(steps)
    return f"  to {m.recipient} \"{text}\"{' (template)' if m.sent_as == 'template' else ''}: {shown}"


def vendor_profile(v: VendorProfile, zone: tzinfo) -> str:
    m, b = v.metrics, v.breakdown
    parts = " · ".join(f"{name} {value * 100:.0f}" for name, value in b.components.items())
    return "\n".join([
        f"Vendor {v.name} ({v.phone})",
        f"Score {v.score} · tier {v.tier} · grade {v.grade} · penalties {v.penalties}"
        f" (scored {when(v.scored_at, zone)})",
        f"Last 30 days would score {b.score} ({b.tier}, {b.grade.value}): {parts}",
        f"Offers decided {m.offers}: accepted {m.accepted}, rejected {m.rejected}, expired {m.expired}",
        f"Deliveries {m.deliveries} ({m.on_time_deliveries} on time) · cancelled or backed out {m.cancellations}",
        f"Response time: median {duration(v.response_p50_s)} · average {duration(m.avg_response_seconds)}",
        f"Load {v.load}/{v.capacity} orders in hand · {v.offered} offers waiting",
        f"Price index {m.price_index:.2f}" if m.price_index is not None else "Price index -",
    ])


def vendor_ranking(rows: list[VendorRank]) -> str:
    if not rows:
        return "Vendors by score:\n  none"
    return "\n".join(["Vendors by score:", *(
        f"  {i}. {v.grade} {v.name}: {v.score} ({v.tier}) · load {v.load}/{v.capacity} · penalties {v.penalties}"
        for i, v in enumerate(rows, 1))])


def retailer_profile(r: RetailerProfile, zone: tzinfo) -> str:
    gap = r.days_between_orders
    every = "-" if gap is None else f"every {gap:.1f} days" if gap >= 1 else f"every {duration(gap * 86400)}"
    return "\n".join([
        f"Retailer {r.name} ({r.phone})",
        f"Credit limit {money(r.credit_limit)} · outstanding {money(r.outstanding)} · available {money(r.available)}",
        f"Credit score {r.credit_score if r.credit_score is not None else '-'} · risk {r.risk}",
        f"Orders: {r.orders_30d} in 30 days ({money(r.value_30d)}) · {r.orders_total} in all · {r.open_orders} open",
        f"Orders {every} · last {when(r.last_order_at, zone)}",
    ])


SCORECARD_NAMES = {"punctuality": "payment punctuality", "utilisation": "credit utilisation",
                   "regularity": "order regularity", "disputes": "disputes"}


def scorecard_lines(card: Scorecard) -> list[str]:
    """The scorecard the hourly credit score is: each factor with its points out of its weight."""
    lines = [f"Credit scorecard now {card.score:.1f} of 100 (risk {risk_for(card.score).value}):"]
    for factor, value in card.factors.items():
        weight = 100 * WEIGHTS[factor]
        lines.append(f"  {SCORECARD_NAMES.get(factor, factor)} {weight * value:.1f} of {weight:.0f}"
                     f" (factor {value:.2f})")
    return lines


def predicted_order_line(plan: Plan | None, found: Mapping[str, Product]) -> str:
    """The repeat-order prediction the reminder uses: class, day with its interval, basket."""
    if plan is None:
        return "Next order: too few orders to predict"
    basket = ", ".join(f"{found[sku].name} {qty(q)} {found[sku].unit}" if sku in found else f"{sku} {qty(q)}"
                       for sku, q in plan.basket)
    return (f"Next order ({plan.frequency.value}, about every {plan.period_days:.1f} days): {plan.day:%d %b}"
            f" ({plan.earliest:%d %b}–{plan.latest:%d %b}), reminder from {plan.hour:02d}:00 · usual basket: {basket}")

