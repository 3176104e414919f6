"""Vendors on their delivery runs:

    dispatched run 3             the run leaves; its orders are dispatched and each shop told its ETA
    delivered stop 2 [run 3]     that stop's orders delivered (the run may be left out while one is on its way)

(`dispatched 1042` / `delivered 1042` for one order stay in handlers/vendor.py.)
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from domain.bounds import reference_or_none
from domain.people import User
from handlers.context import Reply, Turn
from handlers.routing import VENDOR, Priority, Router
from services import UnitOfWork
from services.delivery import RunAnswer, deliver_stop, dispatch_run

router = Router("delivery")

DISPATCHED = re.compile(r"^\s*(?:dispatch(?:ed)?|sent|niskyo|pathaye|pathayo)\s+run\s*#?\s*(?P<run>\S+)\s*$",
                        re.IGNORECASE)
DELIVERED = re.compile(r"^\s*(?:deliver(?:ed)?|pugyo|pugayo)\s+stop\s*#?\s*(?P<seq>\S+)"
                       r"(?:\s+(?:of\s+)?run\s*#?\s*(?P<run>\S+))?\s*$", re.IGNORECASE)


def _numbers(pattern: re.Pattern[str], turn: Turn) -> dict[str, Any] | None:
    match = pattern.match(turn.text)
    if not match:
        return None
    groups = match.groupdict()
    found: dict[str, Any] = {k: (reference_or_none(v) if v is not None else None) for k, v in groups.items()}
    found["raw"] = groups
    return found


def run_dispatched(turn: Turn) -> dict[str, Any] | None:
    return _numbers(DISPATCHED, turn)


def stop_delivered(turn: Turn) -> dict[str, Any] | None:
    return _numbers(DELIVERED, turn)


@router.message(priority=Priority.INTENT, roles=(VENDOR,), filters=(run_dispatched,))
async def dispatched(reply: Reply, uow: UnitOfWork, user: User, now: datetime, config: Any, run: int | None,
                     raw: dict[str, str]) -> None:
    if run is None:
        await reply("vendor_run_not_found", run_id=raw["run"][:20])
        return
    result = await dispatch_run(uow, run, user.id, now=now, config=config)
    if result.answer is RunAnswer.DONE and result.run is not None:
        await reply("vendor_run_dispatched", run_id=run, count=len(result.run.stops))
    elif result.answer is RunAnswer.ALREADY:
        await reply("vendor_run_already", run_id=run)
    else:
        await reply("vendor_run_not_found", run_id=run)


@router.message(priority=Priority.INTENT, roles=(VENDOR,), filters=(stop_delivered,))
async def delivered(reply: Reply, uow: UnitOfWork, user: User, now: datetime, seq: int | None, run: int | None,
                    raw: dict[str, str | None]) -> None:
    if seq is None or (raw["run"] is not None and run is None):
        await reply("vendor_run_not_found", run_id=(raw["run"] or "")[:20] or "?")
        return
    result = await deliver_stop(uow, run, seq, user.id, now=now)
    shown = result.run.id if result.run is not None else run
    if result.answer is RunAnswer.DONE and result.run is not None:
        stop = next(s for s in result.run.stops if s.seq == seq)
        await reply("vendor_stop_delivered", seq=seq, run_id=shown, shop=stop.shop,
                    orders=", ".join(f"#{o}" for o in stop.order_ids))
        if all(s.delivered_at is not None for s in result.run.stops):
            await reply("vendor_run_done", run_id=shown)
    elif result.answer is RunAnswer.ALREADY:
        await reply("vendor_stop_already", seq=seq, run_id=shown)
    elif result.answer is RunAnswer.WRONG_STATUS:
        await reply("vendor_run_not_dispatched", run_id=shown)
    elif result.run is not None:
        await reply("vendor_stop_not_found", seq=seq, run_id=shown)
    elif run is None:
        await reply("vendor_no_dispatched_run", seq=seq)
    else:
        await reply("vendor_run_not_found", run_id=run)
