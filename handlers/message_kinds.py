"""WhatsApp message kinds that are not an order in words, each answered:

    reaction (👍 on a message)       recorded in the inbox, no answer (none is needed)
    sticker, contact card, a type     a short help line in the sender's language
    WhatsApp cannot show, deleted
    an edit of a handled message      "the edit changes nothing"; an edit of one not yet handled
                                      goes on as a new message (its original is then never handled)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from handlers.context import Reply
from handlers.routing import ADMIN, RETAILER, UNKNOWN, VENDOR, Priority, Router
from services import UnitOfWork
from services.edits import edited_original, original_was_handled

router = Router("message_kinds")
EVERYONE = (RETAILER, VENDOR, ADMIN, UNKNOWN)
HELPED = frozenset({"sticker", "contacts", "unsupported", "revoke"})


def kind_of(record: Any) -> str | None:
    kind = record.payload.get("Kind")
    return kind if isinstance(kind, str) else None


@router.message(priority=Priority.COMMAND, roles=EVERYONE, filters=(lambda record: kind_of(record) == "reaction",))
async def reaction(record: Any) -> None:
    """Kept as the inbox row (`payload.Emoji`, `payload.ReactedTo`); nobody is answered."""


@router.message(priority=Priority.COMMAND, roles=(RETAILER, VENDOR, ADMIN),
                filters=(lambda record: kind_of(record) in HELPED,))
async def help_line(reply: Reply) -> None:
    await reply("message_kind_help")


async def _edit_too_late(record: Any, uow: UnitOfWork, now: datetime) -> bool:
    """An edit whose original was handled; for any other edit this settles the original and lets the
    edited message through to the handlers, as a new one."""
    return edited_original(record) is not None and await original_was_handled(uow, record, now)


@router.message(priority=Priority.COMMAND, roles=EVERYONE, filters=(_edit_too_late,))
async def edit_too_late(reply: Reply) -> None:
    await reply("message_edit_too_late")
