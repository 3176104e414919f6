"""Last resort: unknown numbers are answered politely (admins told once); the rest get guidance."""

from __future__ import annotations

from handlers.context import Reply, Turn
from handlers.routing import UNKNOWN, Router
from services import UnitOfWork
from services.events import UnknownNumberWrote

router = Router("fallback")


@router.fallback(roles=(UNKNOWN,))
async def unknown_number(reply: Reply, uow: UnitOfWork, turn: Turn, record: object) -> None:
    await reply("unknown_number")
    if not turn.convo.data.get("admins_told"):
        await uow.record(UnknownNumberWrote(phone=turn.phone, profile_name=getattr(record, "profile_name", None),
                                            text=turn.text))
        turn.convo.data["admins_told"] = True


@router.fallback()
async def not_understood(reply: Reply) -> None:
    await reply("not_understood")
