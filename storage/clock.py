"""Time, injected: the system clock in production, a clock tests and fixtures move by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """Stands still until advanced; `advance(timedelta(minutes=10))` moves it on."""

    START = datetime(2026, 11, 2, 4, 15, tzinfo=UTC)  # a Monday, 10:00 in Kathmandu

    def __init__(self, start: datetime | None = None) -> None:
        self._start = start or self.START
        self._now = self._start

    def reset(self) -> None:
        self._now = self._start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now


class ShiftedClock:
    """The system clock moved on by `offset`: the demo's time travel (storage.clock_offset shares the
    offset between processes, so the server and the worker agree on the time)."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset
