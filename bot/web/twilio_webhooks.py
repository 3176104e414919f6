"""Twilio's webhooks: inbound messages and delivery status callbacks."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.appkeys import CONFIG, RUNTIME
from bot.channels.twilio import BadPayload, is_valid_signature, parse_inbound
from storage.repos.outbox import OutboxRepository

log = logging.getLogger(__name__)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


async def _signed_form(request: web.Request) -> dict[str, str]:
    """The form fields, once the X-Twilio-Signature over them is checked (403 otherwise)."""
    config = request.app[CONFIG]
    if request.content_type != "application/x-www-form-urlencoded":
        raise web.HTTPBadRequest(text="expected a form-encoded body")
    try:
        form = {k: str(v) for k, v in (await request.post()).items()}
    except web.HTTPException:
        raise
    except (ValueError, UnicodeDecodeError) as exc:
        raise web.HTTPBadRequest(text="malformed form body") from exc
    if config.channels.twilio.validate_signature:
        base = config.secrets.public_base_url
        url = base.rstrip("/") + request.path_qs if base else str(request.url)
        signature = request.headers.get("X-Twilio-Signature", "")
        if not is_valid_signature(config.secrets.twilio_auth_token, url, form, signature):
            log.warning("bad twilio signature", extra={"path": request.path})
            raise web.HTTPForbidden(text="invalid signature")
    return form


async def inbound(request: web.Request) -> web.Response:
    form = await _signed_form(request)
    try:
        message = parse_inbound(form)
    except BadPayload as exc:
        raise web.HTTPBadRequest(text=str(exc)) from exc
    intake = request.app[RUNTIME].intake
    stored = await intake.receive(message)
    if stored is not None:
        intake.schedule(message.phone)
    return web.Response(text=EMPTY_TWIML, content_type="text/xml")


async def status(request: web.Request) -> web.Response:
    form = await _signed_form(request)
    sid, state = form.get("MessageSid"), form.get("MessageStatus")
    if not sid or not state:
        raise web.HTTPBadRequest(text="MessageSid and MessageStatus are required")
    async with request.app[RUNTIME].pool.acquire() as conn:
        known = await OutboxRepository(conn).record_status(sid, state, form.get("ErrorCode"))
    if not known:
        log.info("status for unknown message", extra={"sid": sid})
    return web.Response(status=204)
