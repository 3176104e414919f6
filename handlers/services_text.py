"""Small text pieces shared by the retailer-service handlers: local times, status names, numbered lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from domain.formatting import amount, platform_zone, when
from domain.orders import OrderSummary
from handlers.context import Reply


def local_time(config: Any, at: datetime) -> str:
    """'25 Nov 14:05' in the platform's local time (platform.timezone)."""
    return when(at, platform_zone(config))


def status_name(reply: Reply, status: str) -> str:
    """An order status in the reader's language ("PENDING_VENDOR" -> "waiting for a vendor")."""
    return reply.texts.render(f"status_{status.lower()}", reply.language)


def order_lines(reply: Reply, config: Any, orders: Sequence[OrderSummary], *, numbered: bool = False) -> str:
    """One line per order: number (or position), status, vendor, total and when it last moved."""
    lines = []
    for position, order in enumerate(orders, 1):
        lines.append(reply.texts.render(
            "order_status_line", reply.language, number=f"{position}) " if numbered else "", order_id=order.id,
            status=status_name(reply, order.status), vendor=order.vendor or "-", total=amount(order.total),
            items=order.items, at=local_time(config, order.changed_at)))
    return "\n".join(lines)
