"""Writing messages to people as outbox rows, in the recipient's language.

The texts themselves come from a renderer handed in by the caller (`services.texts.Texts`): storage
writes what it is given. Rows join the unit of work's transaction, so a message goes out only if the
change that caused it commits. While a message is being handled the notifier knows its sender: the
sender is addressed in the language the dispatcher chose for this turn, and is not sent the admin
notices its own action caused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import asyncpg

from domain.interactive import Interactive
from domain.language import language_for
from domain.service_window import TextRef
from storage.repos.outbox import OutboxRepository


class Renderer(Protocol):
    def has(self, key: str) -> bool: ...

    def render(self, key: str, language: str | None = None, **params: Any) -> str: ...

    def words(self, value: Any, language: str | None) -> Any: ...


@dataclass
class Sender:
    """Who sent the message being handled, and the language this turn answers in."""

    phone: str
    language: str


@dataclass
class Notifier:
    conn: asyncpg.Connection
    texts: Renderer
    now: datetime
    default_language: str = "en"
    inbound_id: int | None = None
    sender: Sender | None = None

    def is_sender(self, phone: str) -> bool:
        return self.sender is not None and self.sender.phone == phone

    async def language_of(self, phone: str) -> str:
        if self.sender is not None and self.sender.phone == phone:
            return self.sender.language
        row = await self.conn.fetchrow(
            "SELECT COALESCE(c.language, u.language) AS chosen, c.written_language AS written FROM users u"
            " LEFT JOIN conversations c ON c.phone = u.phone WHERE u.phone = $1", phone)
        return language_for(row and row["chosen"], row and row["written"], self.default_language)

    async def notify(self, phone: str, key: str, language: str | None = None, *,
                     interactive: Interactive | None = None, **params: Any) -> None:
        """Send text `key` to `phone` in its language (or the one given), with buttons or a list."""
        language = language or await self.language_of(phone)
        await self.write(phone, self.texts.render(key, language, **params), kind="notify", interactive=interactive,
                         text=self._ref(key, language, params))

    async def notify_admins(self, key: str, *, skip: str | None = None, **params: Any) -> None:
        """Send text `key` to every active admin but `skip` (by default the sender)."""
        skip = skip or (self.sender.phone if self.sender else None)
        for row in await self.conn.fetch("SELECT phone FROM users WHERE role = 'admin' AND active ORDER BY id"):
            if row["phone"] != skip:
                language = await self.language_of(row["phone"])
                await self.write(row["phone"], self.texts.render(key, language, **params), kind="ops",
                                 text=self._ref(key, language, params))

    async def reply(self, key: str, *, interactive: Interactive | None = None, **params: Any) -> None:
        """Send text `key` to the sender, as the answer to its message, with buttons or a list."""
        assert self.sender is not None, "a reply needs the sender of a message"
        await self.write(self.sender.phone, self.texts.render(key, self.sender.language, **params),
                         interactive=interactive, text=self._ref(key, self.sender.language, params))

    async def write(self, recipient: str, body: str, *, kind: str = "reply", media_url: str | None = None,
                    template: dict[str, Any] | None = None, interactive: Interactive | None = None,
                    text: TextRef | None = None) -> None:
        """Queue `body`; `text` is the reply text it was rendered from (what fills its template outside
        WhatsApp's 24-hour window), and names the order the message is about."""
        order_id = text.params.get("order_id") if text else None
        await OutboxRepository(self.conn).add(
            recipient, body, at=self.now, kind=kind, inbound_id=self.inbound_id, media_url=media_url,
            template=template, interactive=interactive, text=text,
            order_id=int(order_id) if order_id and order_id.isdigit() and len(order_id) < 19 else None)

    def _ref(self, key: str, language: str, params: dict[str, Any]) -> TextRef:
        return TextRef(key, language, {k: str(self.texts.words(v, language)) for k, v in params.items()})
