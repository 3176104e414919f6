"""Prometheus metrics of this process (prometheus-client), exposed by `GET /metrics` (bot/web/metrics.py).

Counters and histograms live in the process that does the work: the webhook and the handling in
`serve`, the outbox and the jobs in `worker`. With several processes, either

- set PROMETHEUS_MULTIPROC_DIR (an empty folder shared by the processes of one machine, emptied at
  each start): every process writes its figures there and any `serve`'s /metrics adds them all up; or
- scrape each process on its own: each `serve` at /metrics, each `worker` at `metrics.worker_port`.

Figures read from the database at scrape time (outbox backlog, safe mode) are the same for every
process and are not stored here.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import multiprocess as _multiprocess
from prometheus_client.registry import REGISTRY

# Webhook to reply is tens of milliseconds when all is well, seconds when backed up.
_LATENCY = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

MESSAGES_RECEIVED = Counter("khaacho_messages_received", "Inbound messages made durable by a webhook",
                            ["channel"])
MESSAGES_HANDLED = Counter("khaacho_messages_handled", "Inbound messages handled (outcome: handled | limited)",
                           ["channel", "outcome"])
MESSAGES_FAILED = Counter("khaacho_messages_failed", "Inbound messages whose handling raised", ["channel"])
HANDLING_SECONDS = Histogram("khaacho_handling_seconds", "One message's handling, lock to commit",
                             ["channel"], buckets=_LATENCY)
WAIT_SECONDS = Histogram("khaacho_message_wait_seconds", "From a message's arrival to the end of its handling",
                         ["channel"], buckets=_LATENCY)
NLU_SECONDS = Histogram("khaacho_nlu_parse_seconds", "One local NLU parse",
                        buckets=(0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1))
OUTBOX_SENDS = Counter("khaacho_outbox_sends",
                       "Provider calls of the outbox (result: sent | retry | failed | refused | held | expired)",
                       ["result"])
OUTBOX_SEND_SECONDS = Histogram("khaacho_outbox_send_seconds", "One provider call of the outbox", buckets=_LATENCY)
JOBS = Counter("khaacho_jobs", "Background job runs (outcome: ok | failed)", ["job", "outcome"])
REJECTED = Counter("khaacho_webhook_rejected", "Webhooks answered 503 because the process was at capacity",
                   ["channel"])


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def exposition() -> bytes:
    """The text format of this process's metrics, or of every process's in multiprocess mode."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def process_exited(pid: int | None = None) -> None:
    """In multiprocess mode, forget the live gauges of a process that stops (counters are kept)."""
    if multiprocess_dir():
        _multiprocess.mark_process_dead(pid or os.getpid())  # type: ignore[no-untyped-call]


@contextmanager
def timed(histogram: Histogram, *labels: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        (histogram.labels(*labels) if labels else histogram).observe(time.perf_counter() - start)
