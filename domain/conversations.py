"""Conversation state: what the bot awaits from a phone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

IDLE = "idle"


@dataclass
class Conversation:
    phone: str
    state: str = IDLE
    data: dict[str, Any] = field(default_factory=dict)
    language: str | None = None          # the language the person chose
    last_inbound_at: datetime | None = None
    written_language: str | None = None  # the language they last wrote in, when it was clear

    def set(self, state: str, **data: Any) -> None:
        """Await something new; `data` replaces what the previous state kept."""
        self.state = state
        self.data = data

    def reset(self) -> None:
        self.set(IDLE)
