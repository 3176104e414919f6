"""What a handler answers through: the unit of work's notifier, bound to the sender of the message."""

from __future__ import annotations

from typing import Any

from domain.interactive import Interactive
from storage.notifier import Notifier, Renderer


class Reply:
    """`await reply("welcome", name=…)` answers the sender in this turn's language;
    `await reply("order_draft", interactive=buttons(...), ...)` shows buttons or a list under it."""

    def __init__(self, notifier: Notifier) -> None:
        assert notifier.sender is not None, "a reply needs the sender of a message"
        self.notifier = notifier
        self._sender = notifier.sender

    @property
    def phone(self) -> str:
        return self._sender.phone

    @property
    def language(self) -> str:
        return self._sender.language

    @language.setter
    def language(self, value: str) -> None:  # the sender chose a language: the rest of the turn uses it
        self._sender.language = value

    @property
    def texts(self) -> Renderer:
        return self.notifier.texts

    async def __call__(self, key: str, *, interactive: Interactive | None = None, **params: Any) -> None:
        await self.notifier.reply(key, interactive=interactive, **params)

    async def text(self, body: str, *, media_url: str | None = None) -> None:
        await self.notifier.write(self.phone, body, kind="reply", media_url=media_url)
