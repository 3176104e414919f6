"""The operators' dashboard (/stats and GET /api/v1/admin/dashboard): its period, its figures and
the vendor rankings drawn from them.

An order counts in a period when it was placed (confirmed: drafts never count) and created within
[start, end). The counts and sums are computed in SQL (storage.analytics); the averages and
percentiles of durations here, from the seconds SQL collects (`fulfilment_of`, `response_times`),
so a day's roll-up and the order tables go through one definition; the rankings here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal

from domain.metrics import Trend, average, grade_for, percentiles
from domain.scoring import smooth

TOP = 5


@dataclass(frozen=True)
class Period:
    label: str
    start: datetime
    end: datetime
    zone: tzinfo = UTC  # the platform's zone, whose midnights bound days

    @property
    def previous(self) -> Period:
        """The span of the same length just before this one."""
        return Period(f"before {self.label}", self.start - (self.end - self.start), self.start, self.zone)


def period_ending(now: datetime, label: str, span: timedelta | None, zone: tzinfo) -> Period:
    """`span` up to `now`; None means 'today', from local midnight in `zone`."""
    if span is not None:
        return Period(label, now - span, now, zone)
    local = now.astimezone(zone)
    return Period(label, local.replace(hour=0, minute=0, second=0, microsecond=0), now, zone)


@dataclass(frozen=True)
class Summary:
    orders: int
    gmv: Decimal
    delivered: int
    failed: int
    open: int
    success_rate: float | None
    previous_orders: int
    previous_gmv: Decimal
    gmv_trend: Trend


@dataclass(frozen=True)
class FailureCause:
    status: str
    cause: str
    orders: int
    value: Decimal


@dataclass(frozen=True)
class Fulfilment:
    delivered: int
    average_s: float | None
    p50_s: float | None
    p90_s: float | None


def fulfilment_of(seconds: Sequence[float]) -> Fulfilment:
    """Confirmed → delivered of each delivered order, in seconds, as the dashboard shows them."""
    spread = percentiles(seconds, (50, 90))
    return Fulfilment(len(seconds), average(seconds), spread[50], spread[90])


def response_times(seconds: Sequence[float]) -> tuple[float | None, float | None]:
    """A vendor's (average, median) offered → answered, in seconds (None, None without answers)."""
    return average(seconds), percentiles(seconds, (50,))[50]


@dataclass(frozen=True)
class ProductSales:
    sku: str
    name: str
    unit: str
    quantity: Decimal
    sales: Decimal
    previous_sales: Decimal
    trend: Trend


@dataclass(frozen=True)
class VendorStanding:
    vendor_id: int
    name: str
    phone: str
    delivered: int = 0
    failed: int = 0
    backed_out: int = 0
    offers: int = 0
    answered: int = 0
    expired: int = 0
    response_avg_s: float | None = None
    response_p50_s: float | None = None

    @property
    def reliability(self) -> float:
        """0..100, shrunk toward neutral for vendors with few finished orders."""
        return round(100 * smooth(self.delivered, self.delivered + self.failed + self.backed_out), 1)

    @property
    def grade(self) -> str:
        return grade_for(self.reliability).value


@dataclass(frozen=True)
class Dashboard:
    period: Period
    summary: Summary
    failures: list[FailureCause]
    fulfilment: Fulfilment
    top_products: list[ProductSales]
    reliable: list[VendorStanding] = field(default_factory=list)
    responsive: list[VendorStanding] = field(default_factory=list)


def most_reliable(standings: list[VendorStanding], limit: int = TOP) -> list[VendorStanding]:
    finished = [s for s in standings if s.delivered + s.failed + s.backed_out > 0]
    return sorted(finished, key=lambda s: (-s.reliability, -s.delivered, s.name))[:limit]


def fastest(standings: list[VendorStanding], limit: int = TOP) -> list[VendorStanding]:
    answered = [s for s in standings if s.response_p50_s is not None]
    return sorted(answered, key=lambda s: (s.response_p50_s, s.response_avg_s, s.name))[:limit]
