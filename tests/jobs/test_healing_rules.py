"""domain.healing: when an order is stuck and which strategy comes next."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.healing import LADDERS, Limits, Problem, Strategy, detect, is_due, next_strategy, recovery_rate

NOW = datetime(2026, 11, 2, 4, 15, tzinfo=UTC)
H = timedelta(hours=1)
LIMITS = Limits(vendor_response_sla=timedelta(minutes=15), dispatch_limit=6 * H, delivery_limit=48 * H,
                held_limit=4 * H, payment_pending_limit=72 * H)


@pytest.mark.parametrize(("status", "age", "problem"), [
    ("ACCEPTED", 6 * H, Problem.NOT_DISPATCHED),
    ("ACCEPTED", 6 * H - timedelta(seconds=1), None),
    ("PENDING_VENDOR", timedelta(minutes=30), Problem.VENDOR_SILENT),
    ("PENDING_VENDOR", timedelta(minutes=29), None),
    ("DISPATCHED", 48 * H, Problem.NOT_DELIVERED),
    ("HELD", 4 * H, Problem.HELD_TOO_LONG),
    ("QUEUED", timedelta(0), Problem.QUEUE_STALLED),
    ("DELIVERED", 1000 * H, None),
    ("DRAFT", 1000 * H, None),
])
def test_detect(status: str, age: timedelta, problem: Problem | None) -> None:
    assert detect(status, NOW - age, NOW, LIMITS) is problem


def test_queued_orders_are_not_stuck_while_safe_mode_is_on() -> None:
    assert detect("QUEUED", NOW - 10 * H, NOW, LIMITS, safe_mode=True) is None


def test_ladders_climb_and_end() -> None:
    assert [next_strategy(Problem.NOT_DISPATCHED, n) for n in range(4)] == [
        Strategy.RETRY, Strategy.REASSIGN, Strategy.CANCEL, None]
    assert all(ladder[-1] in (Strategy.ESCALATE, Strategy.CANCEL) for ladder in LADDERS.values())
    assert set(LADDERS) == set(Problem)


def test_cooldown_and_rate() -> None:
    assert is_due(None, NOW, H) and is_due(NOW - H, NOW, H) and not is_due(NOW - H / 2, NOW, H)
    assert recovery_rate(1, 2) == 0.5 and recovery_rate(0, 0) is None
    with pytest.raises(ValueError):
        recovery_rate(3, 2)
