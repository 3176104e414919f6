"""Why an order ended or moved on, as codes: what order history records and what people are told
(each code has a text in data/messages, see `services.texts.REASON_KEYS`). A reason an operator types
is kept as their words instead."""

from __future__ import annotations

from enum import StrEnum

from domain.healing import Problem


class Reason(StrEnum):
    NO_VENDOR_ANSWERED = "no_vendor_answered"  # every vendor asked let the offer run out
    NO_VENDOR_CAN_SUPPLY = "no_vendor_can_supply"
    NOT_DISPATCHED = "not_dispatched"          # the vendor accepted but never sent it
    NOT_DELIVERED = "not_delivered"
    NOT_APPROVED = "not_approved"              # held for a check nobody made in time
    QUEUE_RELEASED = "queue_released"          # safe mode ended, the order goes out
    VENDOR_LEFT_OUT = "vendor_left_out"        # a vendor accepted the rest of the order without these


PROBLEM_REASONS: dict[Problem, Reason] = {
    Problem.VENDOR_SILENT: Reason.NO_VENDOR_ANSWERED,
    Problem.NOT_DISPATCHED: Reason.NOT_DISPATCHED,
    Problem.NOT_DELIVERED: Reason.NOT_DELIVERED,
    Problem.HELD_TOO_LONG: Reason.NOT_APPROVED,
    Problem.QUEUE_STALLED: Reason.QUEUE_RELEASED,
}
"""The reason self-healing gives when it moves or ends an order stuck with `problem`."""
