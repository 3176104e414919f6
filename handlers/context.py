"""What a handler is given for one message: the turn itself; answers go through `storage.notify.Reply`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from storage.notify import Reply

__all__ = ["Reply", "Turn"]


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
