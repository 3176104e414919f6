"""Sending through the WhatsApp Cloud API: `POST /{version}/{phone-number-id}/messages`.

Each message carries the outbox row id as `biz_opaque_callback_data`; Meta echoes it in every status
webhook, so a row whose send reached Meta but whose wamid was never recorded (a crash in between) is
settled by its first status callback (`bot/web/meta_webhooks.py`). The Cloud API cannot list sent
messages, so `find_sent` always answers None: a row still `sending` when `reconcile` looks at it (no
status callback arrived within `outbox.stale_after`) is queued again, and that message may reach the
recipient twice — at most one duplicate per crash.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Collection
from typing import Any
from urllib.parse import urlparse

import aiohttp

from bot.channels.base import (
    OutboundMessage,
    PermanentSendError,
    SenderAuthError,
    SendResult,
    TransientSendError,
    WindowClosed,
)
from bot.channels.meta import media_id_of
from domain.interactive import Interactive, fallback_text

GRAPH_VERSION = "v21.0"
DEFAULT_API_BASE_URL = "https://graph.facebook.com"
# Graph error codes that are throttling or an outage even when the HTTP status is 400
TRANSIENT_CODES = frozenset({1, 2, 4, 17, 80007, 130429, 131016, 131056})
AUTH_CODES = frozenset({190})  # an expired or revoked access token (OAuthException)
WINDOW_CLOSED = 131047  # "Re-engagement message": free text more than 24 hours after the customer wrote


class MetaSender:
    """A Sender on the Graph API; `api_base_url` lets tests point it at a local stub."""

    def __init__(self, access_token: str, phone_number_id: str, api_base_url: str | None = None,
                 *, timeout: float = 10.0) -> None:
        base = (api_base_url or DEFAULT_API_BASE_URL).rstrip("/")
        self.url = f"{base}/{GRAPH_VERSION}/{phone_number_id}/messages"
        self._headers = {"Authorization": f"Bearer {access_token}"}
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def send(self, message: OutboundMessage) -> SendResult:
        payload = build_payload(message)
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        try:
            async with self._session.post(self.url, json=payload, headers=self._headers) as response:
                text = await response.text()
                if response.status >= 300:
                    raise _classify(response.status, text, response.headers.get("Retry-After"))
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TransientSendError(f"meta unreachable: {exc}") from exc
        try:
            sent = json.loads(text)["messages"][0]
            wamid, status = sent["id"], sent.get("message_status", "accepted")
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            # accepted (2xx) but unreadable: sending again could duplicate, so do not retry
            raise PermanentSendError(f"meta accepted the message but sent no id: {text[:200]}") from exc
        return SendResult(sid=str(wamid), status=str(status))

    async def find_sent(self, message: OutboundMessage, since_epoch: float,
                        exclude: Collection[str] = ()) -> SendResult | None:
        """The Cloud API has no list of sent messages; see the module note on reconciliation."""
        return None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def build_payload(message: OutboundMessage) -> dict[str, Any]:
    """The `/messages` JSON body for a text, interactive, media-by-link or template message."""
    payload: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual",
                               "to": message.recipient.lstrip("+")}
    if message.ref:
        payload["biz_opaque_callback_data"] = message.ref
    if message.template:
        payload.update(type="template", template=_template(message.template))
    elif message.interactive and not message.media_url and len(message.body) <= _interactive_body_limit(message):
        payload.update(type="interactive", interactive=_interactive(message.body, message.interactive))
    elif message.media_url:
        kind = _media_kind(message.media_url)
        media_id = media_id_of(message.media_url)
        media: dict[str, Any] = {"id": media_id} if media_id else {"link": message.media_url}
        if message.body and kind != "audio":
            media["caption"] = message.body[:1024]
        if kind == "document":
            media["filename"] = urlparse(message.media_url).path.rsplit("/", 1)[-1] or "file"
        payload.update({"type": kind, kind: media})
    else:
        body = fallback_text(message.body, message.interactive) if message.interactive else message.body
        payload.update(type="text", text={"body": body[:4096], "preview_url": False})
    return payload


def _interactive_body_limit(message: OutboundMessage) -> int:
    return 4096 if message.interactive and message.interactive.kind == "list" else 1024


def _interactive(body: str, shown: Interactive) -> dict[str, Any]:
    """A Cloud API `interactive` object: reply buttons, a list, or one or several catalogue products
    (a longer body goes as numbered text)."""
    if shown.kind == "products":
        return _products(body, shown)
    if shown.kind == "buttons":
        return {"type": "button", "body": {"text": body},
                "action": {"buttons": [{"type": "reply", "reply": {"id": b.id, "title": b.title}}
                                       for b in shown.buttons]}}
    sections = [{"title": s.title, "rows": [{"id": r.id, "title": r.title, "description": r.description}
                                             if r.description else {"id": r.id, "title": r.title} for r in s.rows]}
                for s in shown.sections]
    for section in sections:
        if not section["title"]:
            del section["title"]
    return {"type": "list", "body": {"text": body}, "action": {"button": shown.button_label, "sections": sections}}


def _products(body: str, shown: Interactive) -> dict[str, Any]:
    """A single-product message, or a multi-product one in titled sections, from the connected catalogue."""
    if len(shown.rows) == 1:
        return {"type": "product", "body": {"text": body},
                "action": {"catalog_id": shown.catalog_id, "product_retailer_id": shown.rows[0].id}}
    return {"type": "product_list", "header": {"type": "text", "text": shown.button_label}, "body": {"text": body},
            "action": {"catalog_id": shown.catalog_id, "sections": [
                {"title": s.title, "product_items": [{"product_retailer_id": r.id} for r in s.rows]}
                for s in shown.sections]}}


def _template(template: dict[str, Any]) -> dict[str, Any]:
    """{"name" or "sid", "language", "variables"} -> a Cloud API template object.

    `variables` (a mapping, or its JSON text as Twilio takes it) fill the body: numbered keys
    ("1", "2", ...) positionally in their order, other keys as named parameters.
    """
    name = template.get("name") or template.get("sid")
    if not name:
        raise PermanentSendError("a template needs a name")
    variables = template.get("variables") or {}
    if isinstance(variables, str):
        try:
            variables = json.loads(variables or "{}")
        except ValueError as exc:
            raise PermanentSendError("template variables are not JSON") from exc
    if not isinstance(variables, dict):
        raise PermanentSendError("template variables must be a mapping")
    result: dict[str, Any] = {"name": str(name), "language": {"code": str(template.get("language") or "en")}}
    if variables:
        numbered = sorted((k for k in variables if str(k).isdigit()), key=int)
        named = [k for k in variables if not str(k).isdigit()]
        parameters = [{"type": "text", "text": str(variables[k])} for k in numbered]
        parameters += [{"type": "text", "parameter_name": str(k), "text": str(variables[k])} for k in named]
        result["components"] = [{"type": "body", "parameters": parameters}]
    return result


def _media_kind(url: str) -> str:
    guessed = mimetypes.guess_type(urlparse(url).path)[0] or ""
    major = guessed.split("/")[0]
    return major if major in ("image", "audio", "video") else "document"


def _classify(status: int, text: str, retry_after: str | None) -> Exception:
    try:
        error = json.loads(text).get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    code = error.get("code") if isinstance(error, dict) else None
    detail = f"meta {status} (code {code}): {error.get('message', text[:200]) if isinstance(error, dict) else ''}"
    if status in (401, 403) or code in AUTH_CODES:
        return SenderAuthError(detail)
    if status == 429 or status >= 500 or code in TRANSIENT_CODES:
        delay = float(retry_after) if retry_after and retry_after.isdigit() else None
        return TransientSendError(detail, retry_after=delay)
    return WindowClosed(detail) if code == WINDOW_CLOSED else PermanentSendError(detail)


class MediaGone(LookupError):
    """The Graph API does not know this media id (expired after 30 days, or never ours)."""


async def media_download_url(session: aiohttp.ClientSession, media_id: str, access_token: str,
                             api_base_url: str | None = None, *, timeout: float = 30.0) -> str:
    """`GET /{version}/{media-id}`: the short-lived URL to download an inbound media file from.

    The download itself also needs `Authorization: Bearer <access token>`.
    """
    base = (api_base_url or DEFAULT_API_BASE_URL).rstrip("/")
    async with session.get(f"{base}/{GRAPH_VERSION}/{media_id}", timeout=aiohttp.ClientTimeout(total=timeout),
                           headers={"Authorization": f"Bearer {access_token}"}) as response:
        if response.status in (400, 404):
            raise MediaGone(f"meta media {media_id}: HTTP {response.status}")
        response.raise_for_status()
        url = (await response.json()).get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise MediaGone(f"meta media {media_id}: no download URL")
    return url
