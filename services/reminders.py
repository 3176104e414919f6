"""Reorder reminders from repeat-order prediction: on the predicted day of a retailer's next order, at
its usual ordering hour, "Time for your usual order?" with the predicted basket; YES makes it a draft.

Prediction is `domain.order_prediction`'s (frequency class, next order day with an interval, the
basket usually ordered) over the retailer's last HISTORY placed orders by local day; timing is
`domain.reorder`'s (`send_hour`, `reminder_due`, quiet hours in `platform.timezone`). Nothing goes
out in quiet hours, nor to a retailer in the middle of a conversation. A retailer who already ordered
has a newer last order, so its prediction moved on to the order after it. Whether it goes as free
text or, outside WhatsApp's 24-hour window, as the approved template is the outbox's decision
(domain.service_window), as for every message. A reminder is claimed in `reorder_reminders` for the
last order the prediction came from, in the same unit of work as its message, so one predicted order
is reminded once, by one worker. The retailer's conversation then awaits YES / CHANGE / NO
(`REMINDER_STATE`, answered in handlers/reminders.py, which puts the basket in a draft through the
reorder flow).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from domain.conversations import IDLE
from domain.formatting import platform_zone
from domain.order_prediction import Frequency, occasions_of, predict_basket, predict_next
from domain.reorder import in_quiet_hours, reminder_due, send_hour
from services.events import ReminderDue
from storage.repos.reminders import Candidate
from storage.uow import UnitOfWork

REMINDER_STATE = "reorder_reminder"
HISTORY = 12  # orders a prediction looks at


@dataclass(frozen=True)
class Plan:
    """A retailer's predicted next order and when to remind it."""

    frequency: Frequency
    period_days: float
    day: date
    earliest: date
    latest: date
    hour: int                                   # local hour the reminder goes out on `day`
    basket: tuple[tuple[str, Decimal], ...]


def _quiet(config: Any) -> tuple[time, time]:
    r = config.reminders
    start, end = (time.fromisoformat(r.quiet_hours[k]) for k in ("start", "end"))
    return start, end


def quiet_now(now: datetime, config: Any) -> bool:
    return in_quiet_hours(now.astimezone(platform_zone(config)).time(), *_quiet(config))


def plan_of(orders: list[tuple[datetime, dict[str, Decimal]]], config: Any) -> Plan | None:
    """The predicted next order from past (confirmed_at, basket) pairs, or None with too little history."""
    zone = platform_zone(config)
    local = [(at.astimezone(zone), basket) for at, basket in orders]
    occasions = occasions_of((at.date(), basket) for at, basket in local)
    if not occasions:
        return None
    nxt = predict_next(occasions, occasions[-1].day)
    basket = predict_basket(occasions)
    if nxt is None or not basket:
        return None
    hour = send_hour([at.hour for at, _ in local], *_quiet(config))
    return Plan(nxt.frequency, nxt.period_days, nxt.day, nxt.earliest, max(nxt.day, nxt.latest), hour,
                tuple(sorted(basket.items())))


async def predicted_order(uow: UnitOfWork, retailer_id: int, now: datetime, config: Any) -> Plan | None:
    """The retailer's predicted next order as the reminder sees it (shown in /retailer)."""
    return plan_of(await uow.reminders.baskets(retailer_id, now, HISTORY), config)


async def due_retailers(uow: UnitOfWork, now: datetime, config: Any) -> list[tuple[Candidate, Plan]]:
    """Retailers whose predicted next order is today (from their usual hour) and not yet reminded of."""
    local_now = now.astimezone(platform_zone(config))
    due = []
    for candidate in await uow.reminders.candidates(now, HISTORY):
        if candidate.last_order_id is None or len(candidate.order_times) < 3:
            continue
        if candidate.reminded_at is not None and candidate.reminded_at >= candidate.order_times[0]:
            continue  # reminded since its last order
        plan = plan_of(await uow.reminders.baskets(candidate.retailer_id, now, HISTORY), config)
        if plan and reminder_due(local_now, plan.day, plan.latest, plan.hour):
            due.append((candidate, plan))
    return due


async def remind(uow: UnitOfWork, candidate: Candidate, plan: Plan, now: datetime, config: Any) -> bool:
    """Send one retailer its reminder; False when skipped."""
    await uow.inbox.lock_conversation(candidate.phone)  # not while a message of theirs is handled
    convo = await uow.conversations.load(candidate.phone)
    if convo.state != IDLE or candidate.last_order_id is None:
        return False
    if not await uow.reminders.claim(candidate.retailer_id, candidate.last_order_id, now):
        return False
    await uow.record(ReminderDue(candidate.retailer_id, candidate.last_order_id, plan.basket, plan.day,
                                 round(plan.period_days)))
    convo.set(REMINDER_STATE, basket=[[sku, str(quantity)] for sku, quantity in plan.basket])
    await uow.conversations.save(convo, now)
    return True
