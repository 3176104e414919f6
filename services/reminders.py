"""Reorder reminders: retailers whose predicted next order is due get "Order same as last time?".

Prediction and timing are `domain.reorder`'s. Nothing goes out in quiet hours (local time from
`reminders.timezone_offset_minutes`), nor to a retailer in the middle of a conversation. Inside
WhatsApp's 24-hour window the reminder is free text; outside it, the configured template with the
same content as variables. A reminder is claimed in `reorder_reminders` before it is written, in the
same transaction, so a second run (or a second worker) never sends it twice. The retailer's
conversation then awaits YES/NO (`REMINDER_STATE`, answered in handlers/reminders.py).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from typing import Any

import asyncpg

from domain.conversations import IDLE
from domain.formatting import platform_zone
from domain.reorder import in_quiet_hours, is_due, predict_next_order, within_session_window
from services.present import render_lines
from storage.notifier import Notifier
from storage.repos.conversations import ConversationRepository
from storage.repos.inbox import InboxRepository
from storage.repos.orders import OrderRepository

REMINDER_STATE = "reorder_reminder"
HISTORY = 12  # order times a prediction looks at

CANDIDATES_SQL = """
SELECT r.user_id, u.phone, u.name, rr.sent_at AS reminded_at,
       (SELECT array_agg(o.confirmed_at ORDER BY o.confirmed_at DESC) FROM (
            SELECT confirmed_at FROM orders WHERE retailer_id = r.user_id AND parent_id IS NULL
              AND confirmed_at IS NOT NULL AND confirmed_at <= $1 ORDER BY confirmed_at DESC LIMIT $2) o) AS times,
       (SELECT id FROM orders WHERE retailer_id = r.user_id AND parent_id IS NULL AND confirmed_at IS NOT NULL
          AND confirmed_at <= $1 ORDER BY confirmed_at DESC, id DESC LIMIT 1) AS last_order_id
FROM retailers r JOIN users u ON u.id = r.user_id
LEFT JOIN reorder_reminders rr ON rr.retailer_id = r.user_id
WHERE u.active
"""


def local_time(now: datetime, offset_minutes: int) -> time:
    return now.astimezone(timezone(timedelta(minutes=offset_minutes))).time()


def quiet_now(now: datetime, config: Any) -> bool:
    r = config.reminders
    start, end = (time.fromisoformat(r.quiet_hours[k]) for k in ("start", "end"))
    return in_quiet_hours(now.astimezone(platform_zone(config)).time(), start, end)


async def due_retailers(conn: asyncpg.Connection, now: datetime, lead: timedelta) -> list[asyncpg.Record]:
    """Retailers whose next order is predicted about now and who were not reminded since their last order."""
    due = []
    for row in await conn.fetch(CANDIDATES_SQL, now, HISTORY):
        prediction = predict_next_order(row["times"] or [])
        if prediction and row["last_order_id"] and is_due(now, prediction, lead, row["reminded_at"]):
            due.append(row)
    return due


async def _claim(conn: asyncpg.Connection, retailer_id: int, order_id: int, now: datetime, templated: bool) -> bool:
    """Record the reminder unless one was recorded since that order; False when another run did."""
    return await conn.fetchval(
        "INSERT INTO reorder_reminders (retailer_id, order_id, sent_at, templated) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (retailer_id) DO UPDATE SET order_id = EXCLUDED.order_id, sent_at = EXCLUDED.sent_at,"
        " templated = EXCLUDED.templated WHERE reorder_reminders.order_id IS DISTINCT FROM EXCLUDED.order_id"
        " RETURNING true", retailer_id, order_id, now, templated) or False


async def remind(conn: asyncpg.Connection, row: asyncpg.Record, now: datetime, config: Any,
                 notifier: Notifier) -> bool:
    """Send one retailer its reminder (call in a transaction); False when skipped."""
    await InboxRepository(conn).lock_conversation(row["phone"])  # not while a message of theirs is handled
    convos = ConversationRepository(conn)
    convo = await convos.load(row["phone"])
    if convo.state != IDLE:
        return False
    order = await OrderRepository(conn).get(row["last_order_id"])
    if order is None or not order.lines:
        return False
    free_text = within_session_window(convo.last_inbound_at, now)
    if not await _claim(conn, row["user_id"], order.id, now, not free_text):
        return False
    language = await notifier.language_of(row["phone"])
    lines = await render_lines(notifier, language, order.lines, prices=False)
    body = notifier.texts.render("reorder_reminder", language, name=row["name"], order_id=order.id, lines=lines)
    template = None if free_text else {"sid": config.reminders.template_sid,
                                       "variables": {"1": row["name"], "2": f"#{order.id}", "3": lines}}
    await notifier.write(row["phone"], body, kind="notify", template=template)
    convo.set(REMINDER_STATE, order_id=order.id)
    await convos.save(convo, now)
    return True


async def send_reminders(pool: asyncpg.Pool, now: datetime, config: Any, texts: Any) -> list[int]:
    """Remind every due retailer (none in quiet hours); returns the retailer ids reminded."""
    if quiet_now(now, config):
        return []
    async with pool.acquire() as conn:
        due = await due_retailers(conn, now, config.reminders.lead)
    sent = []
    for row in due:
        async with pool.acquire() as conn, conn.transaction():
            if await remind(conn, row, now, config, Notifier(conn, texts, now)):
                sent.append(row["user_id"])
    return sent
