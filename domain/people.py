"""People: retailers, vendors and admins, as the rest of the code sees them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class User:
    id: int
    phone: str
    name: str
    role: str  # retailer | vendor | admin
    language: str | None


@dataclass(frozen=True)
class Person:
    """Who someone is in a message: name, phone and, for a shop, its address."""

    id: int
    phone: str
    name: str
    address: str
