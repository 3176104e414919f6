"""POST /admin/act and friends: what operators do from the dashboard.

An action on an order, a payment, a ticket or safe mode is the very slash command the ops chat takes,
handed to the pipeline as the logged-in admin's message (web channel, its own message id): the same
role check, services and audit row as when typed on WhatsApp, and its answer goes to the admin's
chat as well as to the page.
"""

from __future__ import annotations

import asyncio
import uuid

from aiohttp import web

from bot.appkeys import CONFIG, RUNTIME
from bot.channels.base import InboundMessage
from bot.web.api.context import unit_of_work
from bot.web.console.session import admin_only
from services.ops import console
from services.ops.audit import audit
from services.ops.exports import FORMATS, Exporter, parse_date_range
from storage.repos.web_sessions import WebSession

SETTLE_TRIES = 50  # × 0.1 s: how long the page waits for the command's answer

# action → the command's words, from the form's fields (each field one word but the last)
COMMANDS = {
    "reassign": ("/reassign", ("order", "vendor")),
    "cancel": ("/cancel", ("order", "reason")),
    "heal": ("/heal", ("order",)),
    "payment_confirm": ("/payment confirm", ("claim",)),
    "payment_reject": ("/payment reject", ("claim", "reason")),
    "ticket_resolve": ("/ticket resolve", ("ticket", "note")),
    "safemode_on": ("/safemode on", ("duration", "reason")),
    "safemode_off": ("/safemode off", ()),
}


def command_text(action: str, fields: dict[str, str]) -> str:
    """'/cancel 1042 out of stock' from the form; ValueError naming what is missing or wrong."""
    if action not in COMMANDS:
        raise ValueError(f"unknown action {action!r}")
    words, names = COMMANDS[action]
    parts = [words]
    for i, name in enumerate(names):
        value = " ".join(fields.get(name, "").split())[:300]
        if i < len(names) - 1 and " " in value:
            raise ValueError(f"{name}: one word")
        if value:
            parts.append(value)
    return " ".join(parts)


async def run_command(request: web.Request, phone: str, text: str) -> tuple[str | None, list[str]]:
    """Hand `text` to the pipeline as `phone`'s message, handle it, and return what it answered."""
    intake = request.app[RUNTIME].intake
    message = InboundMessage(provider="web", provider_id=f"console-{uuid.uuid4().hex}", phone=phone, text=text)
    inbound_id = await intake.receive(message)
    if inbound_id is None:
        return None, []
    await intake.process(phone)
    for _ in range(SETTLE_TRIES):  # another process may hold the conversation for a moment
        async with unit_of_work(request) as uow:
            state, replies = await console.replies_to(uow, inbound_id)
        if state != "received":
            return state, replies
        await asyncio.sleep(0.1)
    return state, replies


@admin_only
async def act(request: web.Request, session: WebSession) -> web.Response:
    form = {k: str(v) for k, v in (await request.post()).items() if isinstance(v, str)}
    try:
        text = command_text(form.get("action", ""), form)
    except ValueError as exc:
        return web.json_response({"error": str(exc)}, status=400)
    state, replies = await run_command(request, session.user.phone, text)
    return web.json_response({"command": text, "state": state, "replies": replies})


@admin_only
async def send_again(request: web.Request, session: WebSession) -> web.Response:
    try:
        row_id = int(request.match_info["row_id"])
    except ValueError:
        raise web.HTTPNotFound() from None
    async with unit_of_work(request) as uow:
        queued = await console.send_again(uow, row_id, f"admin:{session.user.id}", request.app[RUNTIME].clock.now())
    if not queued:
        return web.json_response({"error": f"outbox #{row_id} is no dead letter"}, status=404)
    return web.json_response({"queued": row_id})


@admin_only
async def export(request: web.Request, session: WebSession) -> web.Response:
    form = await request.post()
    fmt = str(form.get("format", "csv"))
    try:
        start, end = parse_date_range(f"{str(form.get('from', ''))[:10]}..{str(form.get('to', ''))[:10]}")
    except ValueError as exc:
        return web.json_response({"error": str(exc)}, status=400)
    if fmt not in FORMATS:
        return web.json_response({"error": f"format: one of {', '.join(FORMATS)}"}, status=400)
    exporter, now = Exporter.from_config(request.app[CONFIG]), request.app[RUNTIME].clock.now()
    actor = f"admin:{session.user.id}"
    async with unit_of_work(request) as uow:
        record = await exporter.export_orders(uow, start, end, fmt, requested_by=actor, now=now)
        await audit(uow, actor, "web export", now, subject=f"export #{record.id}",
                    after={"file": record.file_name, "rows": record.rows})
    return web.json_response({"url": exporter.url(record), "rows": record.rows, "file": record.file_name})
