"""A channel that keeps what it sends: the terminal chat and conversation fixtures use it."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection

from bot.channels.base import OutboundMessage, SendResult


class CaptureSender:
    def __init__(self, on_send: Callable[[OutboundMessage], None] | None = None) -> None:
        self.sent: list[OutboundMessage] = []
        self._ids = itertools.count(1)
        self._on_send = on_send

    async def send(self, message: OutboundMessage) -> SendResult:
        self.sent.append(message)
        if self._on_send:
            self._on_send(message)
        return SendResult(sid=f"SMlocal{next(self._ids):026d}", status="sent")

    async def find_sent(self, message: OutboundMessage, since_epoch: float,
                        exclude: Collection[str] = ()) -> SendResult | None:
        return None
