"""Greetings and help: the first thing a new shop owner or vendor sees."""

from __future__ import annotations

from handlers.context import Reply
from handlers.routing import RETAILER, VENDOR, Router

router = Router("greeting")


@router.intent("greeting", roles=(RETAILER,))
async def welcome(reply: Reply, user: object) -> None:
    await reply("welcome", name=getattr(user, "name", ""))


@router.intent("help", roles=(RETAILER,))
async def show_help(reply: Reply, user: object) -> None:
    await reply("help", name=getattr(user, "name", ""))


@router.intent("greeting", "help", roles=(VENDOR,))
async def vendor_welcome(reply: Reply, user: object) -> None:
    await reply("vendor_welcome", name=getattr(user, "name", ""))
