"""Twilio's webhooks: inbound messages and delivery status callbacks."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.appkeys import CONFIG, RUNTIME
from bot.channels.base import storable
from bot.channels.twilio import WINDOW_CLOSED, BadPayload, is_valid_signature, parse_inbound
from bot.web.inbound import accept
from storage.repos.outbox import OutboxRepository

log = logging.getLogger(__name__)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
SIGNED = web.AppKey("twilio_signed", bool)  # False only with KHAACHO_INSECURE_DEV=1 (see webhook_plan)


async def _signed_form(request: web.Request) -> dict[str, str]:
    """The form fields, once the X-Twilio-Signature over them is checked (403 otherwise)."""
    config = request.app[CONFIG]
    if request.content_type != "application/x-www-form-urlencoded":
        raise web.HTTPBadRequest(text="expected a form-encoded body")
    try:
        form = {k: str(v) for k, v in (await request.post()).items()}
    except web.HTTPException:
        raise
    except (ValueError, LookupError) as exc:  # bad UTF-8 (a ValueError), an unknown charset
        raise web.HTTPBadRequest(text="malformed form body") from exc
    if request.app[SIGNED]:
        base = config.secrets.public_base_url
        url = base.rstrip("/") + request.path_qs if base else str(request.url)
        signature = request.headers.get("X-Twilio-Signature", "")
        if not is_valid_signature(config.secrets.twilio_auth_token, url, form, signature):
            log.warning("bad twilio signature", extra={"path": request.path})
            raise web.HTTPForbidden(text="invalid signature")
    return {k: storable(v) for k, v in form.items()}  # after the check: Twilio signed the raw values


async def inbound(request: web.Request) -> web.Response:
    form = await _signed_form(request)
    try:
        message = parse_inbound(form)
    except BadPayload as exc:
        raise web.HTTPBadRequest(text=str(exc)) from exc
    await accept(request.app, message)
    return web.Response(text=EMPTY_TWIML, content_type="text/xml")


async def status(request: web.Request) -> web.Response:
    form = await _signed_form(request)
    sid, state = form.get("MessageSid"), form.get("MessageStatus")
    if not sid or not state:
        raise web.HTTPBadRequest(text="MessageSid and MessageStatus are required")
    runtime, code = request.app[RUNTIME], form.get("ErrorCode")
    async with runtime.pool.acquire() as conn:
        repo = OutboxRepository(conn)
        known = await repo.record_status(sid, state, code, runtime.clock.now())  # Twilio sends no time
        if known and code == str(WINDOW_CLOSED):  # outside the 24-hour window: wait for the customer
            await repo.hold_sent(sid, f"twilio {code}: outside the 24-hour window")
    if not known:
        log.info("status for unknown message", extra={"sid": sid})
    return web.Response(status=204)


def add_routes(app: web.Application, *, signed: bool) -> None:
    app[SIGNED] = signed
    app.router.add_post("/webhooks/twilio", inbound)
    app.router.add_post("/webhooks/twilio/status", status)
