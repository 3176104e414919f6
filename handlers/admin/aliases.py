"""/aliases: what retailers' phrases have come to mean (learned from answered questions), and
/aliases remove PHRASE [SKU] to forget one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.learned_aliases import AGREE
from handlers.admin.framework import UsageError, admin_command, require, rest
from handlers.context import Reply
from handlers.routing import Router
from services import UnitOfWork
from services.learned_aliases import forget, learned_summary

router = Router("admin.aliases")


@admin_command(router, "/aliases", usage="/aliases | /aliases remove PHRASE [SKU]",
               summary="learned product aliases (phrase -> SKU, retailers agreeing); remove one")
async def aliases(args: list[str], reply: Reply, uow: UnitOfWork, now: datetime, config: Any) -> None:
    if args and args[0].lower() == "remove":
        require(args, 2)
        words = args[1:]
        sku = words.pop() if len(words) > 1 and words[-1].upper().startswith("SKU") else None
        gone = await forget(uow, " ".join(words), sku)
        if not gone:
            raise UsageError(f"no learned alias {' '.join(words)!r}" + (f" for {sku}" if sku else ""))
        await reply.text(f"Forgot {gone} learned choice(s) of {' '.join(words)!r}")
        return
    if args:
        raise UsageError(f"unknown argument {rest(args, 0)!r}")
    agree = getattr(getattr(config, "nlu", None), "alias_agree", AGREE)
    rows = await learned_summary(uow)
    if not rows:
        await reply.text("No learned aliases yet")
        return
    lines = [f"Learned aliases (for everyone at {agree} retailers):"]
    lines += [f"  {phrase} -> {sku} ({n} retailer{'s' if n != 1 else ''}){' *' if n >= agree else ''}"
              for phrase, sku, n in rows]
    await reply.text("\n".join(lines))
