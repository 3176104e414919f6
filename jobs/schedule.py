"""What runs by the clock, and how often: one list for arq's cron and for fixtures' `advance:`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from jobs.analytics import roll_up_analytics
from jobs.delivery import plan_deliveries
from jobs.heartbeat import heartbeat
from jobs.inbox import sweep_inbox
from jobs.media import process_media
from jobs.order_timeouts import order_timeouts
from jobs.outbox import reconcile_outbox
from jobs.partitions import maintain_partitions
from jobs.reminders import send_reorder_reminders
from jobs.safe_mode import watch_safe_mode
from jobs.scoring import score_credit_risk, score_vendors
from jobs.self_healing import self_heal
from jobs.stock_cover import alert_low_stock_cover

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
    Periodic(reconcile_outbox, timedelta(seconds=10)),
    Periodic(sweep_inbox, timedelta(seconds=30)),
    Periodic(process_media, timedelta(seconds=10)),
    Periodic(order_timeouts, timedelta(minutes=1)),
    Periodic(watch_safe_mode, timedelta(minutes=1)),
    Periodic(self_heal, timedelta(minutes=5)),
    Periodic(plan_deliveries, timedelta(minutes=1)),  # plans every routing.every; a minute's check
    Periodic(score_vendors, timedelta(hours=1)),
    Periodic(score_credit_risk, timedelta(hours=1)),
    Periodic(send_reorder_reminders, timedelta(hours=1)),
    Periodic(alert_low_stock_cover, timedelta(hours=1)),
    Periodic(roll_up_analytics, timedelta(days=1)),
    Periodic(maintain_partitions, timedelta(days=1)),
]
