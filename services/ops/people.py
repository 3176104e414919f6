"""Vendors and retailers as operators see them: score breakdown, load, response time; credit and habits."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from domain.people import User
from domain.profiles import RetailerProfile, VendorProfile, VendorRank
from domain.scoring import score_vendor
from storage.uow import UnitOfWork


async def find_person(uow: UnitOfWork, phone_or_name: str, role: str) -> User | None:
    """The `role` (retailer, vendor) with this phone or (start of) name."""
    return await uow.users.find(phone_or_name, role)


async def users_by_id(uow: UnitOfWork, user_ids: list[int]) -> list[User]:
    """The users with these ids, in that order (unknown ids left out)."""
    found = [await uow.users.by_id(user_id) for user_id in user_ids]
    return [u for u in found if u is not None]


async def vendor_profile(uow: UnitOfWork, vendor_id: int, now: datetime, *,
                         window: timedelta = timedelta(days=30),
                         on_time_within: timedelta = timedelta(hours=48)) -> VendorProfile | None:
    """The vendor's stored score beside what its last `window` would score, component by component."""
    row = await uow.profiles.vendor(vendor_id)
    if row is None:
        return None
    metrics, p50 = await uow.profiles.vendor_metrics(vendor_id, now - window, on_time_within)
    return VendorProfile(**row, metrics=metrics, breakdown=score_vendor(metrics), response_p50_s=p50)


async def vendor_ranking(uow: UnitOfWork, limit: int = 10) -> list[VendorRank]:
    """Active vendors by their current score, best first."""
    return await uow.profiles.vendor_ranking(limit)


async def retailer_profile(uow: UnitOfWork, retailer_id: int, now: datetime) -> RetailerProfile | None:
    row = await uow.profiles.retailer(retailer_id, now)
    if row is None:
        return None
    credit = await uow.ledger.state(retailer_id)
    return RetailerProfile(**row, outstanding=credit.outstanding, available=credit.available)


async def set_credit_limit(uow: UnitOfWork, retailer_id: int, limit: Decimal,
                           at: datetime | None = None) -> Decimal | None:
    """Set the retailer's credit limit under its row lock; the previous limit, or None if no such retailer.
    An operator's limit counts as a review (`at`): automatic scoring leaves it for a review period."""
    return await uow.profiles.set_credit_limit(retailer_id, limit, at)
