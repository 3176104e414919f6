"""/ticket: operators list open complaint tickets and resolve them; the retailer hears the resolution."""

from __future__ import annotations

from typing import Any

from handlers.admin.framework import Audit, UsageError, admin_command, parse_reference, require, rest
from handlers.context import Reply, Turn
from handlers.routing import Router
from services import UnitOfWork
from services.tickets import Resolved, open_tickets, resolve_ticket

router = Router("admin.tickets")
USAGE = "/ticket list | /ticket resolve ID NOTE"


@admin_command(router, "/ticket", usage=USAGE, summary="complaint tickets: list open ones, resolve one")
async def ticket(args: list[str], reply: Reply, uow: UnitOfWork, turn: Turn, now: Any) -> Audit | None:
    require(args, 1)
    action = args[0].lower()
    if action == "list":
        require(args, 1, at_most=1)
        tickets = await open_tickets(uow)
        lines = [reply.texts.render("admin_ticket_line", None, ticket_id=t.id, retailer=t.retailer,
                                    order=f"#{t.order_id}" if t.order_id else "-", category=t.category,
                                    text=t.body[:80]) for t in tickets]
        if lines:
            await reply("admin_ticket_list", lines="\n".join(lines))
        else:
            await reply("admin_ticket_none")
        return None
    if action != "resolve":
        raise UsageError(f"unknown action {args[0]!r}")
    require(args, 3)
    ticket_id, note = parse_reference(args[1], "a ticket number, like 7"), rest(args, 2)
    resolution = await resolve_ticket(uow, ticket_id, note, f"admin:{turn.user.id}", now)
    if resolution.outcome is Resolved.NOT_FOUND:
        await reply("admin_ticket_unknown", ticket_id=ticket_id)
        return None
    assert resolution.ticket is not None
    if resolution.outcome is Resolved.ALREADY:
        await reply("admin_ticket_already", ticket_id=ticket_id, resolution=resolution.ticket.resolution or "-")
        return None
    await reply("admin_ticket_resolved", ticket_id=ticket_id, retailer=resolution.ticket.retailer)
    return Audit(subject=f"ticket {ticket_id}", before={"status": "OPEN"}, after={"status": "RESOLVED", "note": note})
