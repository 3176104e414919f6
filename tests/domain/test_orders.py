from datetime import UTC, datetime
from itertools import product

import pytest

from domain.orders import (
    CANCELLABLE_BY_RETAILER,
    HOLDS_CREDIT,
    HOLDS_STOCK,
    LIVE,
    TERMINAL,
    TRANSITIONS,
    UNFULFILLED,
    IllegalTransition,
    OrderStatus,
    Release,
    check_transition,
    release_on,
    status_on_confirm,
    transition,
)

S = OrderStatus
AT = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)

ALLOWED = [
    (S.DRAFT, S.PENDING_VENDOR),
    (S.DRAFT, S.HELD),
    (S.DRAFT, S.QUEUED),
    (S.HELD, S.PENDING_VENDOR),
    (S.HELD, S.REJECTED),
    (S.QUEUED, S.PENDING_VENDOR),
    (S.PENDING_VENDOR, S.PENDING_VENDOR),  # next vendor
    (S.PENDING_VENDOR, S.ACCEPTED),
    (S.PENDING_VENDOR, S.EXPIRED),
    (S.ACCEPTED, S.PENDING_VENDOR),  # vendor backed out, reassign
    (S.ACCEPTED, S.DISPATCHED),
    (S.DISPATCHED, S.DELIVERED),
    (S.DISPATCHED, S.FAILED),
]
FORBIDDEN = [
    (S.DRAFT, S.ACCEPTED),
    (S.DRAFT, S.DELIVERED),
    (S.PENDING_VENDOR, S.DISPATCHED),
    (S.PENDING_VENDOR, S.DELIVERED),
    (S.HELD, S.ACCEPTED),
    (S.QUEUED, S.ACCEPTED),
    (S.DISPATCHED, S.CANCELLED),
    (S.DELIVERED, S.CANCELLED),
    (S.CANCELLED, S.PENDING_VENDOR),
    (S.EXPIRED, S.PENDING_VENDOR),
    (S.ACCEPTED, S.DRAFT),
]


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_allowed_transitions_pass(current, target):
    check_transition(current, target)


@pytest.mark.parametrize(("current", "target"), FORBIDDEN)
def test_forbidden_transitions_raise(current, target):
    with pytest.raises(IllegalTransition) as info:
        check_transition(current, target)
    assert (info.value.current, info.value.target) == (current, target)
    assert current.value in str(info.value) and target.value in str(info.value)


def test_check_transition_agrees_with_table_for_every_pair():
    for current, target in product(S, S):
        if target in TRANSITIONS[current]:
            check_transition(current, target)
        else:
            with pytest.raises(IllegalTransition):
                check_transition(current, target)


def test_every_status_is_in_the_table():
    assert set(TRANSITIONS) == set(S)


def test_terminal_statuses():
    assert {S.DELIVERED, S.CANCELLED, S.REJECTED, S.EXPIRED, S.FAILED} == TERMINAL


def test_every_live_status_can_still_end():
    """No status outside TERMINAL is a dead end: each reaches a terminal status."""
    for start in set(S) - TERMINAL:
        seen, frontier = set(), {start}
        while frontier:
            seen |= frontier
            frontier = {t for s in frontier for t in TRANSITIONS[s]} - seen
        assert seen & TERMINAL, start


def test_every_status_is_a_draft_live_or_ended():
    assert set(OrderStatus) == {S.DRAFT} | set(LIVE) | TERMINAL
    assert not set(LIVE) & TERMINAL
    assert set(UNFULFILLED) == TERMINAL - {S.DELIVERED}


def test_confirmed_statuses_hold_credit_and_only_accepted_ones_hold_stock():
    for confirmed in (S.PENDING_VENDOR, S.HELD, S.QUEUED):
        assert confirmed in HOLDS_CREDIT
    assert S.DRAFT not in HOLDS_CREDIT
    assert not (HOLDS_CREDIT | HOLDS_STOCK) & TERMINAL
    assert {S.ACCEPTED, S.DISPATCHED} == HOLDS_STOCK
    assert S.ACCEPTED not in CANCELLABLE_BY_RETAILER
    assert all(S.CANCELLED in TRANSITIONS[s] for s in CANCELLABLE_BY_RETAILER)


@pytest.mark.parametrize(
    ("current", "target", "credit", "stock"),
    [
        (S.DRAFT, S.CANCELLED, False, False),  # nothing reserved yet
        (S.PENDING_VENDOR, S.CANCELLED, True, False),
        (S.HELD, S.REJECTED, True, False),
        (S.QUEUED, S.EXPIRED, True, False),
        (S.ACCEPTED, S.CANCELLED, True, True),
        (S.DISPATCHED, S.FAILED, True, True),
        (S.ACCEPTED, S.PENDING_VENDOR, False, True),  # reassignment: stock freed, credit kept
        (S.ACCEPTED, S.DISPATCHED, False, False),
        (S.DISPATCHED, S.DELIVERED, False, False),  # the debit stays as the amount owed
        (S.PENDING_VENDOR, S.PENDING_VENDOR, False, False),
    ],
)
def test_release_on(current, target, credit, stock):
    check_transition(current, target)
    assert release_on(current, target) == Release(credit=credit, stock=stock)


@pytest.mark.parametrize(
    ("safe_mode", "needs_approval", "expected"),
    [
        (False, False, S.PENDING_VENDOR),
        (False, True, S.HELD),
        (True, False, S.QUEUED),
        (True, True, S.QUEUED),
    ],
)
def test_status_on_confirm(safe_mode, needs_approval, expected):
    status = status_on_confirm(safe_mode=safe_mode, needs_approval=needs_approval)
    assert status is expected
    check_transition(S.DRAFT, status)


def test_transition_builds_the_record():
    record = transition(7, S.PENDING_VENDOR, S.ACCEPTED, "vendor:3", AT, "replied yes")
    assert (record.order_id, record.from_status, record.to_status) == (7, S.PENDING_VENDOR, S.ACCEPTED)
    assert (record.actor, record.at, record.reason) == ("vendor:3", AT, "replied yes")


def test_transition_refuses_illegal_moves_naive_times_and_missing_actor():
    with pytest.raises(IllegalTransition):
        transition(7, S.DELIVERED, S.CANCELLED, "admin:1", AT)
    with pytest.raises(ValueError, match="timezone"):
        transition(7, S.DRAFT, S.PENDING_VENDOR, "retailer:1", datetime(2024, 5, 1, 9, 30))
    with pytest.raises(ValueError, match="actor"):
        transition(7, S.DRAFT, S.PENDING_VENDOR, "", AT)


def test_status_values_are_their_names():
    assert all(s.value == s.name for s in S)
    assert S("PENDING_VENDOR") is S.PENDING_VENDOR
