"""Twilio WhatsApp: signed webhooks in, REST API out (twilio's own client, asyncio HTTP)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any

import aiohttp
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.channels.base import (
    InboundMessage,
    Media,
    OutboundMessage,
    PermanentSendError,
    SenderAuthError,
    SendResult,
    TransientSendError,
    WindowClosed,
)
from bot.channels.twilio_content import ContentTemplates
from bot.config import is_e164
from domain.interactive import fallback_text

# what a dropped keep-alive connection, a reset or a timeout raises from twilio's aiohttp client
_UNREACHABLE = (OSError, aiohttp.ClientError, TimeoutError)
LIST_LIMIT = 100  # messages to one recipient listed when settling a crash
WINDOW_CLOSED = 63016  # free-form message outside the 24-hour window: only a template goes through

class BadPayload(ValueError):
    """The webhook body lacks what a Twilio message always has."""


def strip_channel(address: str) -> str:
    """'whatsapp:+977980…' -> '+977980…'."""
    return address.split(":", 1)[1] if ":" in address else address


def is_valid_signature(auth_token: str, url: str, params: Mapping[str, str], signature: str) -> bool:
    """False without a token: anyone can compute a signature with the empty key.

    The URL as given is checked first, with one HMAC; only when that fails does the SDK's validator
    try the URL with and without its port (two more), as Twilio signs it either way."""
    if not auth_token or not signature:
        return False
    return hmac.compare_digest(_signature(auth_token, url, params), signature) or \
        RequestValidator(auth_token).validate(url, dict(params), signature)


def _signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """Twilio's X-Twilio-Signature of a form post: HMAC-SHA1 of the URL and each name and value, by name."""
    payload = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


def parse_inbound(form: Mapping[str, str]) -> InboundMessage:
    sid = form.get("MessageSid") or form.get("SmsMessageSid")
    sender = form.get("From", "")
    if not sid or not sender:
        raise BadPayload("MessageSid and From are required")
    if not is_e164(strip_channel(sender)):
        raise BadPayload("From must be a phone number like whatsapp:+9779800000001")
    try:
        count = int(form.get("NumMedia") or 0)
    except ValueError as exc:
        raise BadPayload("NumMedia must be a number") from exc
    if not 0 <= count <= 10:
        raise BadPayload("NumMedia out of range")
    media = tuple(
        Media(url=form[f"MediaUrl{i}"], content_type=form.get(f"MediaContentType{i}", ""))
        for i in range(count) if form.get(f"MediaUrl{i}")
    )
    extra = {k: form[k] for k in ("WaId", "ButtonText", "ListTitle", "Latitude", "Longitude", "To") if form.get(k)}
    return InboundMessage(
        provider="twilio", provider_id=sid, phone=strip_channel(sender), text=form.get("Body", ""),
        media=media, profile_name=form.get("ProfileName"),
        button_payload=form.get("ButtonPayload") or form.get("ListId"),  # a quick reply, or a list-picker row
        extra=extra,
    )


class _HttpClient(AsyncTwilioHttpClient):
    """twilio's async client form-encodes every body; the Content API takes JSON (as the sync client sends it)."""

    async def request(self, method: str, url: str, params: Any = None, data: Any = None,
                      headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        if headers and headers.get("Content-Type") == "application/json" and isinstance(data, dict):
            data = json.dumps({k: v for k, v in data.items() if v is not None})
        return await super().request(method, url, params=params, data=data, headers=headers, **kwargs)


class TwilioSender:
    """Sends through Twilio's Messages API; `api_base_url` lets tests point it at a local stub."""

    def __init__(self, account_sid: str, auth_token: str, from_number: str, api_base_url: str,
                 status_callback: str | None = None) -> None:
        self._http = _HttpClient(timeout=10)
        self._client = Client(account_sid, auth_token, http_client=self._http)
        self._client.api.base_url = api_base_url
        if api_base_url.rstrip("/") != "https://api.twilio.com":  # a stand-in serves the Content API too
            self._client.content.base_url = api_base_url
        self._from = "whatsapp:" + strip_channel(from_number)
        self._status_callback = status_callback
        self._contents = ContentTemplates(self._client)

    async def send(self, message: OutboundMessage) -> SendResult:
        kwargs: dict[str, object] = {"to": "whatsapp:" + message.recipient, "from_": self._from}
        if message.template:
            kwargs["content_sid"] = message.template["sid"]
            kwargs["content_variables"] = content_variables(message.template.get("variables"))
        elif message.interactive and message.interactive.kind != "products" and not message.media_url and (
                sid := await self._contents.sid_for(message.body, message.interactive)):
            kwargs["content_sid"] = sid
        else:  # what Twilio cannot show (catalogue products, a long body, media) goes as numbered text
            kwargs["body"] = _text(message)
        if message.media_url:
            kwargs["media_url"] = [message.media_url]
        if self._status_callback:
            kwargs["status_callback"] = self._status_callback
        try:
            created = await self._client.messages.create_async(**kwargs)
        except TwilioRestException as exc:
            raise _classify(exc) from exc
        except _UNREACHABLE as exc:
            raise TransientSendError(f"twilio unreachable: {type(exc).__name__}: {exc}") from exc
        return SendResult(sid=created.sid, status=created.status or "queued")

    async def find_sent(self, message: OutboundMessage, since_epoch: float,
                        exclude: Collection[str] = ()) -> SendResult | None:
        """The oldest message to the recipient since the claim whose SID no other row holds.

        Twilio echoes nothing of ours when listing messages, but a recipient has at most one row in
        flight at a time, so an unrecorded SID after the claim can only be that row's. The text is
        compared too (templates are rendered by Twilio, so for them only the SID counts).
        """
        since = datetime.fromtimestamp(since_epoch - 60, tz=UTC)
        try:
            sent = await self._client.messages.list_async(
                to="whatsapp:" + message.recipient, date_sent_after=since, limit=LIST_LIMIT
            )
        except TwilioRestException as exc:
            raise _classify(exc) if exc.status in (401, 403) else TransientSendError(
                f"cannot list sent messages: {exc}") from exc
        except _UNREACHABLE as exc:
            raise TransientSendError(f"cannot list sent messages: {type(exc).__name__}: {exc}") from exc
        skip = set(exclude)
        for item in reversed(sent):  # Twilio lists newest first
            if item.sid in skip or (not message.template and (item.body or "") != _text(message)):
                continue
            return SendResult(sid=item.sid, status=item.status or "sent")
        return None

    async def close(self) -> None:
        await self._http.close()


def content_variables(variables: object) -> str:
    """Twilio's ContentVariables is a JSON object in one form field (a dict would be form-encoded as
    repeated fields, which Twilio rejects)."""
    if variables is None or variables == "":
        return "{}"
    if isinstance(variables, str):
        try:
            parsed = json.loads(variables)
        except ValueError as exc:
            raise PermanentSendError("template variables are not JSON") from exc
    else:
        parsed = variables
    if not isinstance(parsed, dict):
        raise PermanentSendError("template variables must be a mapping")
    return json.dumps({str(k): str(v) for k, v in parsed.items()}, ensure_ascii=False)


def _classify(exc: TwilioRestException) -> Exception:
    status = exc.status or 0
    if status in (401, 403):  # a rotated token or a suspended account: no message can go out
        return SenderAuthError(f"twilio {status} (code {exc.code}): {exc.msg}")
    if status == 429 or status >= 500:
        return TransientSendError(f"twilio {status}: {exc.msg}")
    refused = WindowClosed if exc.code == WINDOW_CLOSED else PermanentSendError
    return refused(f"twilio {status} (code {exc.code}): {exc.msg}")


def _text(message: OutboundMessage) -> str:
    return fallback_text(message.body, message.interactive) if message.interactive else message.body
