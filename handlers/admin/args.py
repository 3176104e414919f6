"""Arguments shared by several operator commands: people by phone or name, the operators' time zone."""

from __future__ import annotations

from datetime import timezone
from typing import Any

from domain.people import User
from handlers.admin.framework import UsageError
from handlers.admin.views import local_zone
from services import UnitOfWork


async def find_person(uow: UnitOfWork, text: str, role: str) -> User:
    """The retailer or vendor named by phone or (start of) name; UsageError when there is none."""
    if not text:
        raise UsageError(f"name the {role} by phone or name")
    user = await uow.users.find(text, role)
    if user is None:
        raise UsageError(f"no {role} called or numbered {text!r}")
    return user


def zone(config: Any) -> timezone:
    return local_zone(config.reminders.timezone_offset_minutes)


def admin_actor(turn: Any) -> str:
    """The actor string order history records for this operator ('admin:<id>')."""
    return f"admin:{turn.user.id}" if turn.user else f"admin:{turn.phone}"
