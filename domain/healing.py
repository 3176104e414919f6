"""Self-healing rules: when an order (or a message, or a payment claim) is stuck, and what to try next.

A problem is found from a status and how long it has been in it (`detect`). Each problem has a
ladder of strategies tried one per pass, the next rung only after the previous attempt did not
clear the problem (`next_strategy`). When the ladder is used up nothing more is tried automatically:
the last rung of every ladder hands the case to people (ESCALATE) or ends the order (CANCEL).

    REASSIGN  offer the order to the next vendor (a silent or stalled vendor loses it)
    RETRY     nudge / resend: remind the vendor, resend a dead message, release a stranded queue
    CANCEL    end the order, giving back the retailer's credit and the vendor's stock
    ESCALATE  tell the admins; nothing is changed

An attempt is RECOVERED when it moved the case on (reassigned, cancelled), PENDING when its effect is
seen only later (a retry: did the vendor dispatch, did the message go?), then settled RECOVERED or
FAILED, and ESCALATED when people were asked. The recovery rate is recovered / settled attempts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Problem(StrEnum):
    VENDOR_SILENT = "VENDOR_SILENT"      # waiting for a vendor far past the response SLA
    NOT_DISPATCHED = "NOT_DISPATCHED"    # accepted, not dispatched within the dispatch limit
    NOT_DELIVERED = "NOT_DELIVERED"      # dispatched, not delivered within the delivery limit
    HELD_TOO_LONG = "HELD_TOO_LONG"      # waiting for an operator's approval too long
    QUEUE_STALLED = "QUEUE_STALLED"      # queued in safe mode, but safe mode is off
    PAYMENT_PENDING = "PAYMENT_PENDING"  # a payment claim nobody decided
    MESSAGE_FAILED = "MESSAGE_FAILED"    # an outbox row dead or failed at the provider


class Strategy(StrEnum):
    REASSIGN = "REASSIGN"
    RETRY = "RETRY"
    CANCEL = "CANCEL"
    ESCALATE = "ESCALATE"


class Outcome(StrEnum):
    PENDING = "PENDING"
    RECOVERED = "RECOVERED"
    FAILED = "FAILED"
    ESCALATED = "ESCALATED"


S = Strategy
LADDERS: dict[Problem, tuple[Strategy, ...]] = {
    Problem.VENDOR_SILENT: (S.REASSIGN, S.REASSIGN, S.CANCEL),
    Problem.NOT_DISPATCHED: (S.RETRY, S.REASSIGN, S.CANCEL),
    Problem.NOT_DELIVERED: (S.RETRY, S.ESCALATE),
    Problem.HELD_TOO_LONG: (S.ESCALATE,),
    Problem.QUEUE_STALLED: (S.RETRY, S.ESCALATE),
    Problem.PAYMENT_PENDING: (S.ESCALATE,),
    Problem.MESSAGE_FAILED: (S.RETRY, S.ESCALATE),
}

ORDER_PROBLEMS: dict[str, Problem] = {
    "PENDING_VENDOR": Problem.VENDOR_SILENT,
    "ACCEPTED": Problem.NOT_DISPATCHED,
    "DISPATCHED": Problem.NOT_DELIVERED,
    "HELD": Problem.HELD_TOO_LONG,
    "QUEUED": Problem.QUEUE_STALLED,
}
"""The problem an order has when it stays too long in a status (the status it is about)."""

SILENT_AFTER_SLAS = 2
"""An order waiting for a vendor is stuck after this many response SLAs without any change."""


@dataclass(frozen=True, slots=True)
class Limits:
    vendor_response_sla: timedelta
    dispatch_limit: timedelta
    delivery_limit: timedelta
    held_limit: timedelta
    payment_pending_limit: timedelta

    def for_status(self, status: str, *, safe_mode: bool = False) -> timedelta | None:
        """How long an order may stay in `status`; None when it may stay (terminal, draft, safe mode)."""
        return {
            "PENDING_VENDOR": self.vendor_response_sla * SILENT_AFTER_SLAS,
            "ACCEPTED": self.dispatch_limit,
            "DISPATCHED": self.delivery_limit,
            "HELD": self.held_limit,
            "QUEUED": None if safe_mode else timedelta(0),
        }.get(status)


def detect(status: str, since: datetime, now: datetime, limits: Limits, *, safe_mode: bool = False
           ) -> Problem | None:
    """The problem of an order in `status` since `since`, or None when it is not stuck."""
    limit = limits.for_status(status, safe_mode=safe_mode)
    if limit is None or now - since < limit:
        return None
    return ORDER_PROBLEMS[status]


def problem_of(status: str) -> Problem | None:
    """The problem an operator's /heal addresses for an order in `status`, whatever its age."""
    return ORDER_PROBLEMS.get(status)


def next_strategy(problem: Problem, attempts_made: int) -> Strategy | None:
    """The rung after `attempts_made` settled attempts, or None when the ladder is used up."""
    ladder = LADDERS[problem]
    return ladder[attempts_made] if 0 <= attempts_made < len(ladder) else None


def is_due(last_attempt_at: datetime | None, now: datetime, cooldown: timedelta) -> bool:
    """Another attempt may be made: none yet, or the last is at least `cooldown` old."""
    return last_attempt_at is None or now - last_attempt_at >= cooldown


def recovery_rate(recovered: int, settled: int) -> float | None:
    """recovered / settled attempts, None when nothing was settled."""
    if recovered < 0 or settled < 0 or recovered > settled:
        raise ValueError("need 0 <= recovered <= settled")
    return recovered / settled if settled else None


@dataclass(frozen=True)
class RecoveryRate:
    """How self-healing does: settled attempts, the ones that RECOVERED, and those still PENDING."""

    attempted: int       # settled attempts (every outcome but PENDING)
    recovered: int
    pending: int

    @property
    def rate(self) -> float | None:
        return recovery_rate(self.recovered, self.attempted)
