"""Meta WhatsApp Cloud API webhooks: the subscription challenge, then signed notifications.

One `POST /webhooks/meta` may carry several messages and delivery statuses. Messages are stored
through Intake (the wamid is the dedupe key, so Meta's redeliveries stop there) and handled in the
background; statuses update the outbox row by wamid, or — when our sender crashed before recording
the wamid — by the row id we sent as `biz_opaque_callback_data`. The answer is 200 at once.
"""

from __future__ import annotations

import hmac
import json
import logging
from datetime import UTC, datetime

from aiohttp import web

from bot.appkeys import CONFIG, RUNTIME
from bot.channels.meta import BadPayload, StatusUpdate, is_valid_signature, parse_webhook
from bot.channels.meta_sender import WINDOW_CLOSED
from bot.web.inbound import accept
from storage.repos.outbox import OutboxRepository

log = logging.getLogger(__name__)


async def verify(request: web.Request) -> web.Response:
    """GET: Meta checks the callback URL with hub.mode=subscribe and our verify token."""
    token = request.app[CONFIG].secrets.meta_verify_token
    query = request.query
    given = query.get("hub.verify_token", "")
    if query.get("hub.mode") != "subscribe" or not token or not _same(given, token):
        raise web.HTTPForbidden(text="verification failed")
    return web.Response(text=query.get("hub.challenge", ""))


async def notify(request: web.Request) -> web.Response:
    """POST: a signed notification with messages and/or statuses."""
    secrets = request.app[CONFIG].secrets
    body = await request.read()
    if not is_valid_signature(secrets.meta_app_secret, body, request.headers.get("X-Hub-Signature-256", "")):
        log.warning("bad meta signature", extra={"path": request.path})
        raise web.HTTPForbidden(text="invalid signature")
    try:
        payload = json.loads(body)
        update = parse_webhook(payload, secrets.meta_phone_number_id or None)
    except (ValueError, RecursionError, BadPayload) as exc:  # JSON and UTF-8 errors are ValueErrors
        raise web.HTTPBadRequest(text=f"malformed notification: {exc}") from exc
    for message in update.messages:
        await accept(request.app, message)
    for status in update.statuses:
        await _record(request, status)
    return web.Response(text="ok")


async def _record(request: web.Request, status: StatusUpdate) -> None:
    runtime = request.app[RUNTIME]
    at = datetime.fromtimestamp(status.at, UTC) if status.at is not None else runtime.clock.now()
    async with runtime.pool.acquire() as conn:
        repo = OutboxRepository(conn)
        known = await repo.record_status(status.provider_id, status.status, status.error, at)
        ref = status.callback_data or ""
        row_id = int(ref) if ref.isascii() and ref.isdigit() and len(ref) < 19 else None
        if not known and row_id is not None and await repo.settle_sending(
                row_id, status.provider_id, status.status, runtime.clock.now()):
            known = await repo.record_status(status.provider_id, status.status, status.error, at)
            log.info("outbox row settled by its status callback", extra={"outbox_id": row_id})
        if known and status.error and status.error.split()[0] == str(WINDOW_CLOSED):
            await repo.hold_sent(status.provider_id, f"meta {status.error}")
    if not known:
        log.info("status for unknown message", extra={"sid": status.provider_id})


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def add_routes(app: web.Application) -> None:
    app.router.add_get("/webhooks/meta", verify)
    app.router.add_post("/webhooks/meta", notify)
