"""How long stored messages and the audit trail are kept: whole UTC months, the current one and N before it."""

from __future__ import annotations

from datetime import UTC, datetime


def month_start(at: datetime, months_back: int = 0) -> datetime:
    """The first instant (UTC) of the month of `at`, `months_back` months earlier (negative: later)."""
    at = at.astimezone(UTC)
    index = at.year * 12 + at.month - 1 - months_back
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def retention_cutoff(now: datetime, months: int) -> datetime:
    """Months that end at or before this instant are past retention: the current month and `months`
    whole months before it are kept."""
    return month_start(now, months)


def at_least_one(value: int) -> None:
    if value < 1:
        raise ValueError(f"must be at least 1, got {value}")
