"""What runs by the clock, and how often: one list for arq's cron and for fixtures' `advance:`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from jobs.heartbeat import heartbeat
from jobs.inbox import sweep_inbox
from jobs.order_timeouts import order_timeouts
from jobs.outbox import reconcile_outbox

JobFunc = Callable[[dict[str, Any]], Awaitable[Any]]


@dataclass(frozen=True)
class Periodic:
    func: JobFunc
    every: timedelta

    @property
    def name(self) -> str:
        return self.func.__name__


PERIODIC: list[Periodic] = [
    Periodic(heartbeat, timedelta(seconds=10)),
    Periodic(reconcile_outbox, timedelta(minutes=1)),
    Periodic(sweep_inbox, timedelta(seconds=30)),
    Periodic(order_timeouts, timedelta(minutes=1)),
]
