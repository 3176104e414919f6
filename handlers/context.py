"""What a handler is given for one message: the turn itself and a way to answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from handlers.texts import Texts


class OutboxWriter(Protocol):
    async def add(self, recipient: str, body: str, *, at: datetime, kind: str = ...,
                  inbound_id: int | None = ..., media_url: str | None = ...,
                  template: dict[str, Any] | None = ...) -> int: ...


@dataclass
class Turn:
    """One inbound message with who sent it and what the bot made of it."""

    message_id: int
    phone: str
    text: str
    role: str                    # retailer | vendor | admin | unknown
    user: Any                    # storage User, or None for an unknown number
    convo: Any                   # storage Conversation
    media: list[dict[str, Any]] = field(default_factory=list)
    button_payload: str | None = None
    _parse_fn: Callable[[str], Any] | None = None
    _parse: Any = None

    @property
    def parse(self) -> Any:
        """The NLU parse, computed on first use (slash commands never need it)."""
        if self._parse is None and self._parse_fn is not None:
            self._parse = self._parse_fn(self.text)
        return self._parse


@dataclass
class Reply:
    """Writes answers to the outbox, in the recipient's language, within the message's transaction."""

    outbox: OutboxWriter
    texts: Texts
    now: datetime
    phone: str
    language: str
    inbound_id: int | None = None
    admin_phones: Callable[[], Any] | None = None  # async () -> list[str]
    sent: list[tuple[str, str]] = field(default_factory=list)

    async def __call__(self, key: str, **params: Any) -> None:
        await self.text(self.texts.render(key, self.language, **params))

    async def text(self, body: str, *, media_url: str | None = None) -> None:
        await self._write(self.phone, body, "reply", media_url)

    async def notify(self, phone: str, key: str, language: str | None = None, **params: Any) -> None:
        """A message to someone other than the sender (a vendor, a retailer)."""
        await self._write(phone, self.texts.render(key, language, **params), "notify", None)

    async def notify_admins(self, key: str, **params: Any) -> None:
        phones = await self.admin_phones() if self.admin_phones else []
        for phone in phones:
            if phone != self.phone:
                await self._write(phone, self.texts.render(key, None, **params), "ops", None)

    async def _write(self, recipient: str, body: str, kind: str, media_url: str | None) -> None:
        await self.outbox.add(recipient, body, at=self.now, kind=kind, inbound_id=self.inbound_id,
                              media_url=media_url)
        self.sent.append((recipient, body))
