"""Conversation handlers, one module per topic, each with its own Router."""

from __future__ import annotations

from handlers import (
    catalogue,
    complaint,
    delivery,
    fallback,
    greeting,
    inquiry,
    language,
    location,
    media,
    message_kinds,
    order,
    payment,
    reminders,
    reorder,
    stock,
    vendor,
    vendor_prices,
)
from handlers.admin import aliases as admin_aliases
from handlers.admin import basics as admin_basics
from handlers.admin import delivery as admin_delivery
from handlers.admin import exports as admin_exports
from handlers.admin import healing as admin_healing
from handlers.admin import market as admin_market
from handlers.admin import orders as admin_orders
from handlers.admin import payments as admin_payments
from handlers.admin import people as admin_people
from handlers.admin import safemode as admin_safemode
from handlers.admin import stats as admin_stats
from handlers.admin import tickets as admin_tickets
from handlers.routing import Router


def routers() -> list[Router]:
    """Routers in the order they are tried within each priority; the first match wins."""
    return [admin_basics.router, admin_stats.router, admin_orders.router, admin_people.router,
            admin_exports.router, admin_payments.router, admin_tickets.router, admin_healing.router,
            admin_safemode.router, admin_delivery.router, admin_market.router, admin_aliases.router,
            message_kinds.router, location.router, catalogue.router, media.router, reminders.router,
            language.router, payment.router, stock.router, delivery.router, vendor.router, vendor_prices.router,
            order.router, reorder.router, inquiry.router, complaint.router, greeting.router, fallback.router]
