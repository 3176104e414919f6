"""What the web console does besides the slash commands: people to speak as, messages to a phone,
a new retailer, sending a dead letter again (audited like an operator's command)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.people import User
from services.ops.audit import audit
from storage.uow import UnitOfWork

ROLES = ("retailer", "vendor", "admin")


async def people(uow: UnitOfWork) -> dict[str, list[User]]:
    return {role: await uow.console.people(role) for role in ROLES}


async def messages_to(uow: UnitOfWork, phone: str, after_id: int) -> list[dict[str, Any]]:
    return await uow.console.messages_to(phone, after_id)


async def history_start(uow: UnitOfWork, phone: str, last: int = 30) -> int:
    return await uow.console.tail_start(phone, last)


async def statuses(uow: UnitOfWork, ids: list[int]) -> dict[int, str]:
    return await uow.console.statuses(ids) if ids else {}


async def add_retailer(uow: UnitOfWork, phone: str, name: str, credit_limit: Decimal) -> User | None:
    """A new retailer; None when the phone already belongs to someone."""
    if await uow.console.phone_taken(phone):
        return None
    await uow.users.add_retailer(phone, name, credit_limit)
    return await uow.users.by_phone(phone)


async def send_again(uow: UnitOfWork, row_id: int, actor: str, now: datetime) -> bool:
    """Queue a dead letter again; False when `row_id` is no dead letter."""
    if not await uow.console.is_dead(row_id):
        return False
    await uow.outbox.send_again(row_id, now)
    await audit(uow, actor, "/deadletters send again", now, subject=f"outbox #{row_id}",
                before={"status": "dead"}, after={"status": "queued"})
    return True


async def replies_to(uow: UnitOfWork, inbound_id: int) -> tuple[str | None, list[str]]:
    """How an inbound message was handled so far, and what was answered to it."""
    return await uow.console.inbound_state(inbound_id), await uow.console.replies_to(inbound_id)


async def order_messages(uow: UnitOfWork, order_id: int) -> list[dict[str, Any]]:
    return await uow.console.order_messages(order_id)


async def vendor_stock(uow: UnitOfWork, vendor_id: int) -> list[dict[str, Any]]:
    return await uow.console.vendor_stock(vendor_id)
