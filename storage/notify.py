"""Writing messages to people: texts from data/messages in the recipient's language, as outbox rows.

Handlers get one bound to the sender (`reply`); jobs and workflows use the same to tell vendors,
retailers and admins. Rows join the caller's transaction, so a message goes out only if the change
that caused it commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg

from storage.repos.outbox import OutboxRepository
from storage.texts import Texts


def language_for(chosen: str | None, written: str | None, default: str) -> str:
    """The one rule for the language a person is addressed in: the one they chose, else the one they
    last wrote in (when that was clear), else the default."""
    return chosen or written or default


@dataclass
class Notifier:
    conn: asyncpg.Connection
    texts: Texts
    now: datetime
    default_language: str = "en"
    inbound_id: int | None = None
    sent: list[tuple[str, str]] = field(default_factory=list)

    async def language_of(self, phone: str) -> str:
        row = await self.conn.fetchrow(
            "SELECT COALESCE(c.language, u.language) AS chosen, c.written_language AS written FROM users u"
            " LEFT JOIN conversations c ON c.phone = u.phone WHERE u.phone = $1", phone)
        return language_for(row and row["chosen"], row and row["written"], self.default_language)

    async def notify(self, phone: str, key: str, language: str | None = None, **params: Any) -> None:
        """Send text `key` to `phone` in its language (or the one given)."""
        language = language or await self.language_of(phone)
        await self.write(phone, self.texts.render(key, language, **params), kind="notify")

    async def notify_admins(self, key: str, *, skip: str | None = None, **params: Any) -> None:
        for row in await self.conn.fetch("SELECT phone FROM users WHERE role = 'admin' AND active ORDER BY id"):
            if row["phone"] != skip:
                language = await self.language_of(row["phone"])
                await self.write(row["phone"], self.texts.render(key, language, **params), kind="ops")

    async def write(self, recipient: str, body: str, *, kind: str = "reply", media_url: str | None = None,
                    template: dict[str, Any] | None = None) -> None:
        await OutboxRepository(self.conn).add(recipient, body, at=self.now, kind=kind, inbound_id=self.inbound_id,
                                              media_url=media_url, template=template)
        self.sent.append((recipient, body))


@dataclass
class Reply(Notifier):
    """A Notifier bound to the sender of the message being handled: `await reply("welcome", name=…)`."""

    phone: str = ""
    language: str = "en"

    async def __call__(self, key: str, **params: Any) -> None:
        await self.text(self.texts.render(key, self.language, **params))

    async def text(self, body: str, *, media_url: str | None = None) -> None:
        await self.write(self.phone, body, kind="reply", media_url=media_url)

    async def notify_admins(self, key: str, *, skip: str | None = None, **params: Any) -> None:
        await super().notify_admins(key, skip=skip or self.phone, **params)
