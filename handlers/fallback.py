"""Last resort: unknown numbers are answered politely (admins told once); the rest get guidance."""

from __future__ import annotations

from handlers.context import Reply, Turn
from handlers.routing import UNKNOWN, Router

router = Router("fallback")


@router.fallback(roles=(UNKNOWN,))
async def unknown_number(reply: Reply, turn: Turn, record: object) -> None:
    await reply("unknown_number")
    if not turn.convo.data.get("admins_told"):
        await reply.notify_admins("admin_unknown_number", phone=turn.phone,
                                  profile=getattr(record, "profile_name", None) or "no name",
                                  text=turn.text[:200])
        turn.convo.data["admins_told"] = True


@router.fallback()
async def not_understood(reply: Reply) -> None:
    await reply("not_understood")
