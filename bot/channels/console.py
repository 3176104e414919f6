"""Channels that deliver to this machine instead of WhatsApp.

`CaptureSender` keeps what it sends (the terminal chat and conversation fixtures); `ConsoleSender`
writes each message to the log (the demo without Twilio credentials). Their provider ids are
random, not counted, because every process writes them into the same unique column.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Collection

from bot.channels.base import OutboundMessage, SendResult
from bot.config import Config

log = logging.getLogger(__name__)


def local_sid() -> str:
    """A provider id no other process or run will produce: SMlocal and 32 random hex digits."""
    return f"SMlocal{uuid.uuid4().hex}"


class LocalSender:
    """What both local senders share: a fresh provider id per message, and nothing to reconcile."""

    def deliver(self, message: OutboundMessage) -> None:
        raise NotImplementedError

    async def send(self, message: OutboundMessage) -> SendResult:
        self.deliver(message)
        return SendResult(sid=local_sid(), status="sent")

    async def find_sent(self, message: OutboundMessage, since_epoch: float,
                        exclude: Collection[str] = ()) -> SendResult | None:
        return None

    async def close(self) -> None:
        return None


class CaptureSender(LocalSender):
    def __init__(self, on_send: Callable[[OutboundMessage], None] | None = None) -> None:
        self.sent: list[OutboundMessage] = []
        self._on_send = on_send

    def deliver(self, message: OutboundMessage) -> None:
        self.sent.append(message)
        if self._on_send:
            self._on_send(message)


class ConsoleSender(LocalSender):
    """Delivers to the log: one `console delivery` line per message, with its recipient and text."""

    def deliver(self, message: OutboundMessage) -> None:
        extra = {"to": message.recipient, "body": message.body}
        if message.media_url:
            extra["media_url"] = message.media_url
        log.info("console delivery", extra=extra)


def delivers_to_console(config: Config) -> bool:
    """The outbox goes to Twilio but there are no Twilio credentials: the demo delivers to the log."""
    return config.channels.outbound == "twilio" and not config.secrets.twilio_auth_token
