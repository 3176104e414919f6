"""Buttons and lists on Twilio: Content API quick-reply and list-picker templates, made on demand.

A template is created once for each distinct content (body and choices) and its SID reused; the
cache is keyed by a digest of the content, and the template's friendly name carries that digest, so
a template another process made is found too before a duplicate is created. Content Twilio cannot
hold as a template (a body over 1024 characters) gets None: the caller sends numbered text.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client
from twilio.rest.content.v1.content import ContentList

from bot.channels.base import PermanentSendError, TransientSendError
from domain.interactive import Interactive, fallback_text

MAX_BODY = 1024
PREFIX = "khaacho_"


def content_types(body: str, shown: Interactive) -> dict[str, Any]:
    """The template's `types`: quick replies or a list picker, with the numbered text for clients
    that show neither."""
    if shown.kind == "buttons":
        rich: dict[str, Any] = {"twilio/quick-reply": {
            "body": body, "actions": [{"type": "QUICK_REPLY", "title": b.title, "id": b.id} for b in shown.buttons]}}
    else:
        rich = {"twilio/list-picker": {"body": body, "button": shown.button_label, "items": [
            {"id": r.id, "item": r.title, "description": r.description} for r in shown.rows]}}
    return {**rich, "twilio/text": {"body": fallback_text(body, shown)}}


def digest(body: str, shown: Interactive) -> str:
    return hashlib.sha256(json.dumps([body, shown.to_json()], sort_keys=True).encode()).hexdigest()[:32]


class ContentTemplates:
    def __init__(self, client: Client) -> None:
        self._client = client
        self._sids: dict[str, str] = {}

    async def sid_for(self, body: str, shown: Interactive) -> str | None:
        """The SID of the template showing `body` with `shown`, created if it does not exist yet."""
        if not body.strip() or len(body) > MAX_BODY:
            return None
        key = digest(body, shown)
        if key not in self._sids:
            self._sids[key] = await self._find(key) or await self._create(key, body, shown)
        return self._sids[key]

    async def _find(self, key: str) -> str | None:
        try:
            for content in await self._client.content.v1.contents.list_async(limit=1000):
                if content.friendly_name == PREFIX + key and content.sid:
                    return str(content.sid)
        except TwilioRestException as exc:
            raise _failure("list", exc) from exc
        return None

    async def _create(self, key: str, body: str, shown: Interactive) -> str:
        request = ContentList.ContentCreateRequest({"friendly_name": PREFIX + key, "language": "en",
                                                    "variables": {}, "types": content_types(body, shown)})
        try:
            created = await self._client.content.v1.contents.create_async(request)
        except TwilioRestException as exc:
            raise _failure("create", exc) from exc
        return str(created.sid)


def _failure(what: str, exc: TwilioRestException) -> Exception:
    """A refused template is the message's fault; a busy or failing Content API is worth another try."""
    detail = f"twilio content {what}: {exc.status} {exc.msg}"
    return TransientSendError(detail) if exc.status == 429 or exc.status >= 500 else PermanentSendError(detail)
