"""Talking to the bot without WhatsApp: the same intake, dispatcher and outbox, a capturing channel.

`khaacho chat` and the conversation fixtures both go through here, so what they show is what the
webhook path does.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from bot.channels.base import InboundMessage, Media, OutboundMessage
from bot.channels.console import CaptureSender
from bot.runtime import Runtime
from jobs.outbox import OutboxSender


class LocalSession:
    """`channel` (twilio | meta) makes the session speak as that provider: messages arrive from it and
    the outbox keeps to its 24-hour window and templates; None is the local chat, with no window."""

    def __init__(self, runtime: Runtime, on_send: Callable[[OutboundMessage], None] | None = None,
                 channel: str | None = None) -> None:
        self.runtime = runtime
        self.channel = channel
        self.capture = CaptureSender(on_send)
        templates = runtime.config.templates
        self.outbox = OutboxSender(runtime.pool, self.capture, runtime.clock, limiter=None,
                                   max_tries=runtime.config.outbox.max_tries, channel=channel,
                                   templates=templates.messages, fallback_language=templates.fallback_language)

    def job_context(self) -> dict[str, Any]:
        """What jobs find in arq's ctx, built from this session's runtime."""
        rt = self.runtime
        return {"config": rt.config, "runtime": rt, "pool": rt.pool, "clock": rt.clock, "redis": rt.redis,
                "intake": rt.intake, "outbox": self.outbox, "sender": self.capture}

    async def say(self, phone: str, text: str = "", media: tuple[Media, ...] = (),
                  provider_id: str | None = None, extra: dict[str, Any] | None = None) -> list[OutboundMessage]:
        """Deliver one message as if it came from `phone` (`extra` as a channel fills it: a location's
        Latitude and Longitude, a cart's OrderItems); return everything sent because of it."""
        await self.deliver(phone, text, media, provider_id, extra=extra)
        return await self.flush()

    async def press(self, phone: str, payload: str, title: str = "") -> list[OutboundMessage]:
        """A tap from `phone` on the button or list row with id `payload`; return everything sent because of it."""
        await self.deliver(phone, title, button_payload=payload)
        return await self.flush()

    async def deliver(self, phone: str, text: str = "", media: tuple[Media, ...] = (),
                      provider_id: str | None = None, button_payload: str | None = None,
                      extra: dict[str, Any] | None = None) -> int | None:
        """Store and handle one message from `phone`; its inbox id (None: a provider id seen before)."""
        inbound = InboundMessage(provider=self.channel or "console", provider_id=provider_id or uuid.uuid4().hex,
                                 phone=phone, text=text, media=media, button_payload=button_payload,
                                 extra=extra or {})
        message_id = await self.runtime.intake.receive(inbound)
        if message_id is not None:
            await self.runtime.intake.process(phone)
        return message_id

    async def queued_since(self, after_id: int, phone: str,
                           inbound_id: int | None) -> list[tuple[int, OutboundMessage]]:
        """Outbox rows after `after_id` that answer `inbound_id` or go to `phone`, whichever process
        sends them (a running worker may deliver them before this session does)."""
        async with self.runtime.pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT id, recipient, body, media_url FROM outbound_messages"
                " WHERE id > $1 AND (inbound_id = $2 OR recipient = $3) ORDER BY id", after_id, inbound_id, phone)
        return [(r["id"], OutboundMessage(r["recipient"], r["body"], r["media_url"])) for r in rows]

    async def last_outbox_id(self) -> int:
        async with self.runtime.pool.acquire() as conn:
            return int(await conn.fetchval("SELECT coalesce(max(id), 0) FROM outbound_messages"))

    async def flush(self) -> list[OutboundMessage]:
        start = len(self.capture.sent)
        await self.outbox.drain()
        return self.capture.sent[start:]
