"""/ticket: operators list open complaint tickets and resolve them; the retailer hears the resolution."""

from __future__ import annotations

from typing import Any

from handlers.admin.framework import Audit, UsageError, admin_command, parse_reference, require, rest
from handlers.context import Reply, Turn
from handlers.routing import Router
from services import UnitOfWork

router = Router("admin.tickets")
USAGE = "/ticket list | /ticket resolve ID NOTE"


@admin_command(router, "/ticket", usage=USAGE, summary="complaint tickets: list open ones, resolve one")
async def ticket(args: list[str], reply: Reply, uow: UnitOfWork, turn: Turn, now: Any) -> Audit | None:
    require(args, 1)
    action = args[0].lower()
    if action == "list":
        require(args, 1, at_most=1)
        tickets = await uow.tickets.unresolved()
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
    found = await uow.tickets.get(ticket_id, lock=True)
    if found is None:
        await reply("admin_ticket_unknown", ticket_id=ticket_id)
        return None
    if found.status != "OPEN":
        await reply("admin_ticket_already", ticket_id=ticket_id, resolution=found.resolution or "-")
        return None
    await uow.tickets.resolve(ticket_id, note, f"admin:{turn.user.id}", now)
    await reply.notify(found.phone, "complaint_resolved", ticket_id=ticket_id,
                       order=f"#{found.order_id}" if found.order_id else "-", note=note)
    await reply("admin_ticket_resolved", ticket_id=ticket_id, retailer=found.retailer)
    return Audit(subject=f"ticket {ticket_id}", before={"status": "OPEN"}, after={"status": "RESOLVED", "note": note})
