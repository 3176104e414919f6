"""GET /metrics: Prometheus text format.

The process's own counters and histograms (storage/metrics.py; every process's in multiprocess
mode), then gauges read from PostgreSQL at scrape time: outbox and inbox backlog, safe mode. Keep
/metrics off the public side of the reverse proxy (deploy/Caddyfile answers it 404).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric

from bot.appkeys import RUNTIME
from storage.metrics import exposition
from storage.repos.backlog import BacklogRepository
from storage.repos.safe_mode import SafeModeRepository

SCRAPE_TIMEOUT = 2.0


class _Snapshot:
    """A collector of metric families read once, for one scrape."""

    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterable[Metric]:
        return self.families


def _gauge(name: str, doc: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, value=value)


async def _database_families(request: web.Request) -> list[Metric]:
    runtime = request.app[RUNTIME]
    now = runtime.clock.now()
    try:
        async with asyncio.timeout(SCRAPE_TIMEOUT), runtime.pool.acquire() as conn:
            backlog = await BacklogRepository(conn).read(now)
            safe = (await SafeModeRepository(conn).state()).active(now)
    except Exception:  # the scrape says the database is down rather than failing
        return [_gauge("khaacho_database_up", "Whether PostgreSQL answered this scrape", 0)]
    outbox = GaugeMetricFamily("khaacho_outbox_backlog", "Open outbox rows by status", labels=["status"])
    outbox.add_metric(["queued"], backlog.outbox_queued)
    outbox.add_metric(["sending"], backlog.outbox_sending)
    return [
        _gauge("khaacho_database_up", "Whether PostgreSQL answered this scrape", 1),
        outbox,
        _gauge("khaacho_outbox_due", "Queued outbox rows whose time to send has come", backlog.outbox_due),
        _gauge("khaacho_outbox_oldest_due_seconds", "How long the oldest due outbox row has waited",
               backlog.outbox_oldest_due_s),
        _gauge("khaacho_inbox_pending", "Stored inbound messages not yet handled", backlog.inbox_pending),
        _gauge("khaacho_safe_mode", "1 while safe mode holds confirmed orders", 1 if safe else 0),
    ]


async def metrics(request: web.Request) -> web.Response:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Snapshot(await _database_families(request)))  # type: ignore[arg-type]
    body = exposition() + generate_latest(registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/metrics", metrics)
