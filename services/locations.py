"""Where a shop or vendor is: a location shared on WhatsApp, once confirmed, becomes the one that
delivery planning uses (retailers' stops; a vendor's own place and, when it was the same, its depot)."""

from __future__ import annotations

from domain.geo import read_point
from domain.people import User
from storage.uow import UnitOfWork

LOCATED_ROLES = ("retailer", "vendor")


def shared_point(payload: dict[str, object]) -> tuple[float, float] | None:
    """The coordinates a location message carries (Twilio's and the Cloud API's `Latitude` and
    `Longitude`), or None when it carries none that are a place."""
    if "Latitude" not in payload or "Longitude" not in payload:
        return None
    return read_point(payload["Latitude"], payload["Longitude"])


async def set_location(uow: UnitOfWork, user: User, lat: float, lon: float) -> bool:
    """Store the confirmed location; False when the user is neither a retailer nor a vendor with a row."""
    if user.role not in LOCATED_ROLES:
        return False
    return await uow.users.set_location(user.id, user.role, lat, lon)

