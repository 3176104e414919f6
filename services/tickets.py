"""Complaint tickets as operators work them: the open ones listed, one resolved (the retailer is told)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from services.events import TicketResolved
from storage.repos.tickets import Ticket
from storage.uow import UnitOfWork


class Resolved(StrEnum):
    RESOLVED = "RESOLVED"
    ALREADY = "ALREADY"      # closed before; `ticket` says how
    NOT_FOUND = "NOT_FOUND"


@dataclass(frozen=True)
class Resolution:
    outcome: Resolved
    ticket: Ticket | None = None


async def open_tickets(uow: UnitOfWork) -> list[Ticket]:
    """Unresolved tickets, oldest first."""
    return await uow.tickets.unresolved()


async def resolve_ticket(uow: UnitOfWork, ticket_id: int, note: str, by: str, now: datetime) -> Resolution:
    """Close an OPEN ticket with the operator's note; the retailer hears it."""
    ticket = await uow.tickets.get(ticket_id, lock=True)
    if ticket is None:
        return Resolution(Resolved.NOT_FOUND)
    if ticket.status != "OPEN":
        return Resolution(Resolved.ALREADY, ticket)
    await uow.tickets.resolve(ticket_id, note, by, now)
    await uow.record(TicketResolved(ticket_id, ticket.retailer_id, ticket.order_id, note))
    return Resolution(Resolved.RESOLVED, ticket)
