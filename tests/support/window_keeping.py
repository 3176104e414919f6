"""WhatsApp's 24-hour customer-service window as the provider stubs keep it: when each number last
wrote, by the stub's own address for it; not checked until `track_windows()` is called."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

WINDOW = timedelta(hours=24)


class KeepsWindows:
    windows: dict[str, datetime] | None = None   # address -> when it last wrote; None: not checked
    clock: Callable[[], datetime] = staticmethod(lambda: datetime.now(UTC))

    def window_address(self, phone: str) -> str:
        """How the provider addresses `phone` ("9779800000001", "whatsapp:+977…")."""
        raise NotImplementedError

    def track_windows(self, clock: Callable[[], datetime] | None = None) -> None:
        """From now on free-form messages only reach numbers that wrote in the last 24 hours."""
        self.windows = {}
        if clock is not None:
            self.clock = clock

    def customer_wrote(self, phone: str) -> None:
        if self.windows is not None:
            self.windows[self.window_address(phone)] = self.clock()

    def window_open(self, to: str) -> bool:
        """Whether free text may reach the address `to` now."""
        if self.windows is None:
            return True
        wrote = self.windows.get(to)
        return wrote is not None and self.clock() - wrote < WINDOW
