"""Delivery runs as they are stored and shown: a vehicle's planned trip and its stops in order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class RunStatus(StrEnum):
    PLANNED = "PLANNED"          # may still be re-planned
    DISPATCHED = "DISPATCHED"    # on its way: never moved
    DONE = "DONE"                # every stop delivered
    REPLACED = "REPLACED"        # a later plan took its place


@dataclass(frozen=True)
class RunStop:
    seq: int
    retailer_id: int
    shop: str
    address: str
    phone: str
    lat: float
    lon: float
    order_ids: tuple[int, ...]
    eta: datetime
    km_from_prev: Decimal
    weight_kg: Decimal
    delivered_at: datetime | None = None
    to_collect: Decimal = Decimal(0)
    items: str = ""              # "Sugar 10 kg, Wai Wai 5 packet"


@dataclass(frozen=True)
class Run:
    id: int
    vendor_id: int
    vendor: str
    vehicle: str
    day: str                     # ISO date
    status: RunStatus
    km: Decimal
    leaves_at: datetime
    returns_at: datetime
    depot_lat: float
    depot_lon: float
    stops: tuple[RunStop, ...] = field(default=())


def maps_link(lat: float, lon: float) -> str:
    """A link any phone opens in its maps app."""
    return f"https://maps.google.com/?q={lat:.6f},{lon:.6f}"
