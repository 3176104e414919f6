"""Complaints: a ticket with the order it is about and a category; the ops desk is told."""

from __future__ import annotations

from datetime import datetime

from services.events import TicketOpened
from storage.uow import UnitOfWork


async def open_ticket(uow: UnitOfWork, retailer_id: int, order_id: int | None, *, category: str, body: str,
                      now: datetime) -> int:
    """Open a ticket; the retailer is told its number and the ops desk what it says. Returns its id."""
    ticket_id = await uow.tickets.open(retailer_id, order_id, category, body, now)
    await uow.record(TicketOpened(ticket_id=ticket_id, retailer_id=retailer_id, order_id=order_id,
                                  category=category, body=body))
    return ticket_id
