"""Vendors and retailers as operators see them (/vendor, /vendors top, /retailer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.scoring import VendorMetrics, VendorScore


@dataclass(frozen=True)
class VendorProfile:
    id: int
    phone: str
    name: str
    score: Decimal
    tier: str
    grade: str
    penalties: int
    capacity: int
    load: int                 # orders accepted or dispatched, not yet delivered
    offered: int              # offers waiting for its answer
    scored_at: datetime | None
    metrics: VendorMetrics    # over the window, as the score sees them
    breakdown: VendorScore    # the score those metrics give, component by component
    response_p50_s: float | None


@dataclass(frozen=True)
class VendorRank:
    id: int
    phone: str
    name: str
    score: Decimal
    tier: str
    grade: str
    load: int
    capacity: int
    penalties: int
    scored_at: datetime | None


@dataclass(frozen=True)
class RetailerProfile:
    id: int
    phone: str
    name: str
    credit_limit: Decimal
    outstanding: Decimal
    available: Decimal
    credit_score: Decimal | None
    risk: str
    orders_30d: int
    value_30d: Decimal
    orders_total: int
    open_orders: int
    last_order_at: datetime | None
    days_between_orders: float | None   # average gap over the last 90 days
