"""Arguments shared by several operator commands: people by phone or name, the acting operator."""

from __future__ import annotations

from typing import Any

from domain.people import User
from handlers.admin.framework import UsageError
from services import UnitOfWork
from services.ops import people


async def find_person(uow: UnitOfWork, text: str, role: str) -> User:
    """The retailer or vendor named by phone or (start of) name; UsageError when there is none."""
    if not text:
        raise UsageError(f"name the {role} by phone or name")
    user = await people.find_person(uow, text, role)
    if user is None:
        raise UsageError(f"no {role} called or numbered {text!r}")
    return user


def admin_actor(turn: Any) -> str:
    """The actor string order history records for this operator ('admin:<id>')."""
    return f"admin:{turn.user.id}" if turn.user else f"admin:{turn.phone}"
