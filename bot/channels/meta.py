"""Meta WhatsApp Cloud API: signed JSON webhooks in, Graph API `/messages` out.

Inbound: `parse_webhook` turns a webhook body into the messages and delivery statuses it carries.
Only changes with `field == "messages"` are read; within them text, interactive button and list
replies, template quick replies, image / audio / voice / video / document media and locations become
`InboundMessage`s; so do catalogue orders, reactions, edits, deletions, stickers, contacts and
unsupported types, with `extra["Kind"]` (bot/channels/meta_kinds.py). System notices and flow
completions are skipped (counted in `ignored`), never an error: Meta would otherwise redeliver them
for days.

Media arrive as an id, not a URL: they are stored as `meta-media:<id>`; `media_id_of` gives the id
back, and the Graph API (`GET /{version}/{id}` with the access token) turns it into a download URL.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass, field
from typing import Any

from bot.channels.base import InboundMessage, Media
from bot.channels.meta_kinds import other_kind

log = logging.getLogger(__name__)
MEDIA_SCHEME = "meta-media:"
MEDIA_TYPES = ("image", "audio", "video", "document")


class BadPayload(ValueError):
    """The webhook body is not the shape every Cloud API notification has."""


@dataclass(frozen=True)
class StatusUpdate:
    """A delivery status of a message we sent: sent, delivered, read, played or failed."""

    provider_id: str                 # the wamid our send returned
    status: str
    recipient: str = ""
    error: str | None = None
    callback_data: str | None = None  # the biz_opaque_callback_data we sent (the outbox row id)
    at: float | None = None           # when it happened (epoch seconds), as Meta reports it


@dataclass
class MetaWebhook:
    messages: list[InboundMessage] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)
    ignored: int = 0


def is_valid_signature(app_secret: str, body: bytes, header: str) -> bool:
    """X-Hub-Signature-256: 'sha256=' + hex HMAC-SHA256 of the raw body, compared in constant time."""
    if not app_secret or not header.startswith("sha256=") or not header.isascii():
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


def signature_header(app_secret: str, body: bytes) -> str:
    """The header value Meta would send with `body` (for tests and local tools)."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def media_id_of(url: str) -> str | None:
    """'meta-media:123' -> '123'; None for any other URL."""
    return url.removeprefix(MEDIA_SCHEME) if url.startswith(MEDIA_SCHEME) else None


def parse_webhook(payload: Any, phone_number_id: str | None = None) -> MetaWebhook:
    """Messages and statuses in a webhook body; BadPayload when the envelope is malformed.

    With `phone_number_id`, changes addressed to another business number are skipped.
    """
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        raise BadPayload("expected a whatsapp_business_account notification")
    result = MetaWebhook()
    for entry in _list(payload, "entry"):
        for change in _list(_dict(entry, "entry"), "changes"):
            change = _dict(change, "change")
            if change.get("field") != "messages":
                result.ignored += 1
                continue
            value = _dict(change.get("value"), "value")
            metadata = value.get("metadata")
            number = metadata.get("phone_number_id") if isinstance(metadata, dict) else None
            if phone_number_id and number and str(number) != phone_number_id:
                log.warning("webhook for another phone number id", extra={"phone_number_id": number})
                result.ignored += 1
                continue
            names = _profile_names(value)
            for raw in _list(value, "messages", required=False):
                message = parse_message(_dict(raw, "message"), names)
                if message is None:
                    result.ignored += 1
                else:
                    result.messages.append(message)
            result.statuses.extend(_status(_dict(s, "status")) for s in _list(value, "statuses", required=False))
    return result


def parse_message(raw: dict[str, Any], profile_names: dict[str, str] | None = None) -> InboundMessage | None:
    """One entry of `value.messages`; None for the kinds Khaacho does not act on."""
    wamid, sender, kind = raw.get("id"), raw.get("from"), raw.get("type")
    if not isinstance(wamid, str) or not wamid or not isinstance(sender, str) or not sender:
        raise BadPayload("a message needs an id and a from")
    if not (sender.isascii() and sender.isdigit()):  # user-id-only senders (no phone) cannot be matched to a shop
        log.info("message without a phone number ignored", extra={"type": kind})
        return None
    base: dict[str, Any] = {
        "provider": "meta", "provider_id": wamid, "phone": "+" + sender,
        "profile_name": (profile_names or {}).get(sender),
    }
    extra: dict[str, Any] = {"WaId": sender}
    body = raw.get(kind) if isinstance(kind, str) else None
    body = body if isinstance(body, dict) else {}
    if kind == "text":
        return InboundMessage(**base, text=str(body.get("body", "")), extra=extra)
    if kind == "button":  # a quick-reply button of a template message
        return InboundMessage(**base, text=str(body.get("text", "")),
                              button_payload=_str(body.get("payload")),
                              extra={**extra, "ButtonText": str(body.get("text", ""))})
    if kind == "interactive":
        reply = body.get(str(body.get("type")))
        if body.get("type") not in ("button_reply", "list_reply") or not isinstance(reply, dict):
            return None  # flow completions (nfm_reply), or an interactive message Meta could not read
        return InboundMessage(**base, text=str(reply.get("title", "")), button_payload=_str(reply.get("id")),
                              extra={**extra, "ButtonText": str(reply.get("title", ""))})
    if kind in MEDIA_TYPES:
        media_id = body.get("id")
        if not media_id:
            return None
        media = Media(url=MEDIA_SCHEME + str(media_id), content_type=str(body.get("mime_type", "")))
        if kind == "audio":
            extra["Voice"] = bool(body.get("voice"))
        if body.get("filename"):
            extra["Filename"] = str(body["filename"])
        return InboundMessage(**base, text=str(body.get("caption", "")), media=(media,), extra=extra)
    if kind == "location":
        if "latitude" not in body or "longitude" not in body:
            return None
        extra.update(Latitude=str(body["latitude"]), Longitude=str(body["longitude"]))
        extra.update({k.capitalize(): str(body[k]) for k in ("name", "address") if body.get(k)})
        return InboundMessage(**base, extra=extra)
    return other_kind(raw, base, extra, body, lambda inner: parse_message(inner, profile_names))


def _status(raw: dict[str, Any]) -> StatusUpdate:
    wamid, state = raw.get("id"), raw.get("status")
    if not isinstance(wamid, str) or not wamid or not isinstance(state, str) or not state:
        raise BadPayload("a status needs an id and a status")
    errors = raw.get("errors") if isinstance(raw.get("errors"), list) else []
    error = None
    if errors and isinstance(errors[0], dict):
        error = f"{errors[0].get('code', '')} {errors[0].get('title') or errors[0].get('message') or ''}".strip()
    stamp = raw.get("timestamp")
    at = float(stamp) if str(stamp).isdigit() and len(str(stamp)) <= 11 else None
    return StatusUpdate(provider_id=wamid, status=state, recipient=str(raw.get("recipient_id", "")),
                        error=error, callback_data=_str(raw.get("biz_opaque_callback_data")), at=at)


def _profile_names(value: dict[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    contacts = value.get("contacts")
    for contact in contacts if isinstance(contacts, list) else []:
        if isinstance(contact, dict) and contact.get("wa_id"):
            profile = contact.get("profile")
            name = profile.get("name") if isinstance(profile, dict) else None
            if name:
                names[str(contact["wa_id"])] = str(name)
    return names


def _list(container: dict[str, Any], key: str, *, required: bool = True) -> list[Any]:
    value = container.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list):
        raise BadPayload(f"{key} must be a list")
    return value


def _dict(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadPayload(f"{what} must be an object")
    return value


def _str(value: Any) -> str | None:
    return None if value is None else str(value)
