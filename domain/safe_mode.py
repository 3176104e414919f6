"""Safe mode's state and the load that can switch it on: plain values and the rules on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SafeModeState:
    on: bool
    until: datetime | None = None
    reason: str = ""
    by: str = ""

    def active(self, now: datetime) -> bool:
        """On, and its timer (if it has one) not run out."""
        return self.on and (self.until is None or now < self.until)


@dataclass(frozen=True)
class Load:
    backlog: int       # inbound messages stored, not yet handled
    handled: int       # handled (done or failed) in the window
    failed: int

    @property
    def error_rate(self) -> float:
        return self.failed / self.handled if self.handled else 0.0
