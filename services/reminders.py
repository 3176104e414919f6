"""Reorder reminders: retailers whose predicted next order is due get "Order same as last time?".

Prediction and timing are `domain.reorder`'s. Nothing goes out in quiet hours (local time in
`platform.timezone`), nor to a retailer in the middle of a conversation. Whether it goes as free
text or, outside WhatsApp's 24-hour window, as the approved template is the outbox's decision
(domain.service_window), as for every message. A reminder is claimed in `reorder_reminders` before it is written, in the
same unit of work, so a second run (or a second worker) never sends it twice. The retailer's
conversation then awaits YES/NO (`REMINDER_STATE`, answered in handlers/reminders.py).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from domain.conversations import IDLE
from domain.formatting import platform_zone
from domain.reorder import in_quiet_hours, is_due, predict_next_order
from services.events import ReminderDue
from storage.repos.reminders import Candidate
from storage.uow import UnitOfWork

REMINDER_STATE = "reorder_reminder"
HISTORY = 12  # order times a prediction looks at


def quiet_now(now: datetime, config: Any) -> bool:
    r = config.reminders
    start, end = (time.fromisoformat(r.quiet_hours[k]) for k in ("start", "end"))
    return in_quiet_hours(now.astimezone(platform_zone(config)).time(), start, end)


async def due_retailers(uow: UnitOfWork, now: datetime, lead: timedelta) -> list[Candidate]:
    """Retailers whose next order is predicted about now and who were not reminded since their last order."""
    due = []
    for candidate in await uow.reminders.candidates(now, HISTORY):
        prediction = predict_next_order(candidate.order_times)
        if prediction and candidate.last_order_id and is_due(now, prediction, lead, candidate.reminded_at):
            due.append(candidate)
    return due


async def remind(uow: UnitOfWork, candidate: Candidate, now: datetime, config: Any) -> bool:
    """Send one retailer its reminder; False when skipped."""
    await uow.inbox.lock_conversation(candidate.phone)  # not while a message of theirs is handled
    convo = await uow.conversations.load(candidate.phone)
    if convo.state != IDLE:
        return False
    order = await uow.orders.get(candidate.last_order_id) if candidate.last_order_id is not None else None
    if order is None or not order.lines:
        return False
    if not await uow.reminders.claim(candidate.retailer_id, order.id, now):
        return False
    await uow.record(ReminderDue(candidate.retailer_id, order.id))
    convo.set(REMINDER_STATE, order_id=order.id)
    await uow.conversations.save(convo, now)
    return True
