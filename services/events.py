"""What happened, as services record it on the unit of work (`await uow.record(OrderOffered(...))`).

An event names the facts, never the words: `services.notifications` decides who is told and with
which text. Events are grouped by the family of use cases that records them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    """Base of every event."""


# ordering and fulfilment ---------------------------------------------------------------------------


# payments, credit, healing, safe mode, reminders -----------------------------------------------------


# operators and the desk ----------------------------------------------------------------------------
