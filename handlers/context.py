"""What a handler is given for one message: the turn itself, and the reply it answers through."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from domain.interactive import Interactive


class Texts(Protocol):
    def has(self, key: str) -> bool: ...

    def render(self, key: str, language: str | None = None, **params: Any) -> str: ...


class Reply(Protocol):
    """The answer to the sender, in this turn's language (the dispatcher makes it)."""

    phone: str
    language: str

    @property
    def texts(self) -> Texts: ...

    async def __call__(self, key: str, *, interactive: Interactive | None = None, **params: Any) -> None: ...

    async def text(self, body: str, *, media_url: str | None = None) -> None: ...


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
