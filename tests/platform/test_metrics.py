"""GET /metrics after real traffic: signed webhooks handled, replies sent through the Twilio stub."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app import create_app
from bot.appkeys import RUNTIME
from bot.worker import counted
from domain.safe_mode import SafeModeState
from storage.repos.outbox import OutboxRepository
from storage.repos.safe_mode import SafeModeRepository
from testing.database import reset_database
from tests.conftest import TEST_ENV, make_config
from tests.support.app_harness import serving
from tests.support.signing import sign, twilio_form

ROOT = Path(__file__).resolve().parents[2]
RAM = "+9779800000001"
URL = "https://bot.example.com/webhooks/twilio"


def value(text: str, sample: str, **labels: str) -> float:
    """The sum of the samples named `sample` whose labels include `labels` (0 when there is none)."""
    return sum(s.value for family in text_string_to_metric_families(text) for s in family.samples
               if s.name == sample and labels.items() <= s.labels.items())


async def scrape(client) -> str:  # type: ignore[no-untyped-def]
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    return await response.text()


@pytest.fixture
async def app_client(aiohttp_client, stub):  # type: ignore[no-untyped-def]
    config = make_config(TWILIO_API_BASE_URL=stub.base_url, PUBLIC_BASE_URL="https://bot.example.com")
    async with serving(aiohttp_client, config, (RAM, "Ram Kirana")) as client:
        yield client


async def post(client, form: dict[str, str]):  # type: ignore[no-untyped-def]
    headers = {"X-Twilio-Signature": sign(TEST_ENV["TWILIO_AUTH_TOKEN"], URL, form)}
    return await client.post("/webhooks/twilio", data=form, headers=headers)


async def test_traffic_shows_in_the_counters_and_histograms(app_client, stub) -> None:
    before = await scrape(app_client)
    for text in ("namaste", "help", "hi"):
        assert (await post(app_client, twilio_form(RAM, text))).status == 200
    bad = twilio_form(RAM, "namaste")
    assert (await app_client.post("/webhooks/twilio", data=bad, headers={"X-Twilio-Signature": "x"})).status == 403
    await stub.wait_for(3, timeout=10)
    await app_client.app[RUNTIME].intake.drain()
    after = await scrape(app_client)

    def grew(sample: str, **labels: str) -> float:
        return value(after, sample, **labels) - value(before, sample, **labels)

    assert grew("khaacho_messages_received_total", channel="twilio") == 3  # the unsigned one is not counted
    assert grew("khaacho_messages_handled_total", channel="twilio", outcome="handled") == 3
    assert grew("khaacho_messages_failed_total") == 0
    assert grew("khaacho_handling_seconds_count", channel="twilio") == 3
    assert grew("khaacho_message_wait_seconds_count", channel="twilio") == 3
    assert grew("khaacho_nlu_parse_seconds_count") >= 3
    assert grew("khaacho_outbox_sends_total", result="sent") == 3
    assert grew("khaacho_outbox_send_seconds_count") == 3
    assert grew("khaacho_handling_seconds_sum", channel="twilio") > 0
    assert value(after, "khaacho_database_up") == 1
    assert value(after, "khaacho_safe_mode") == 0
    assert value(after, "khaacho_inbox_pending") == 0


async def test_a_failing_message_is_counted(app_client, stub, monkeypatch) -> None:
    runtime = app_client.app[RUNTIME]

    async def broken(uow, record) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("handler bug")

    monkeypatch.setattr(runtime.dispatcher, "handle", broken)
    before = await scrape(app_client)
    assert (await post(app_client, twilio_form(RAM, "namaste"))).status == 200
    await runtime.intake.drain()
    after = await scrape(app_client)
    assert value(after, "khaacho_messages_failed_total", channel="twilio") \
        - value(before, "khaacho_messages_failed_total", channel="twilio") == 1
    assert value(after, "khaacho_messages_handled_total") == value(before, "khaacho_messages_handled_total")


async def test_backlog_and_safe_mode_are_read_at_scrape_time(aiohttp_client) -> None:
    client = await aiohttp_client(create_app(make_config()))  # no sender: what is queued stays queued
    runtime = client.app[RUNTIME]
    await reset_database(runtime)
    now = runtime.clock.now()
    async with runtime.pool.acquire() as conn:
        outbox = OutboxRepository(conn)
        await outbox.add("+9779800000002", "due a minute ago", at=now - timedelta(minutes=1))
        await outbox.add("+9779800000003", "due later", at=now + timedelta(hours=1))
        await SafeModeRepository(conn).save(SafeModeState(True, None, "test", "ops"), now)
    text = await scrape(client)
    assert value(text, "khaacho_outbox_backlog", status="queued") == 2
    assert value(text, "khaacho_outbox_due") == 1
    assert 55 <= value(text, "khaacho_outbox_oldest_due_seconds") <= 600
    assert value(text, "khaacho_safe_mode") == 1


async def test_jobs_are_counted_by_outcome() -> None:
    from storage import metrics

    async def tidy(ctx: dict) -> int:
        return 1

    async def crash(ctx: dict) -> int:
        raise ValueError("no")

    ok_before = metrics.JOBS.labels("tidy", "ok")._value.get()
    failed_before = metrics.JOBS.labels("crash", "failed")._value.get()
    assert await counted(tidy)({}) == 1
    with pytest.raises(ValueError):
        await counted(crash)({})
    assert counted(tidy).__qualname__ == tidy.__qualname__  # arq names a job after it
    assert metrics.JOBS.labels("tidy", "ok")._value.get() == ok_before + 1
    assert metrics.JOBS.labels("crash", "failed")._value.get() == failed_before + 1


def test_multiprocess_mode_adds_up_every_process(tmp_path: Path) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    count = "from storage import metrics; metrics.MESSAGES_RECEIVED.labels('twilio').inc({n})"
    for n in (2, 5):
        subprocess.run([sys.executable, "-c", count.format(n=n)], env=env, cwd=ROOT, check=True)
    shown = subprocess.run([sys.executable, "-c", "from storage import metrics; print(metrics.exposition().decode())"],
                           env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    assert value(shown, "khaacho_messages_received_total", channel="twilio") == 7


async def test_the_grafana_dashboard_asks_only_for_metrics_that_exist(aiohttp_client) -> None:
    import json
    import re

    client = await aiohttp_client(create_app(make_config()))
    exposed = {s.name for f in text_string_to_metric_families(await scrape(client)) for s in f.samples}
    exposed |= {f.name + suffix for f in text_string_to_metric_families(await scrape(client))
                for suffix in ("_total", "_bucket", "_count", "_sum")}  # families not yet observed
    dashboard = json.loads((ROOT / "deploy/grafana/khaacho.json").read_text(encoding="utf-8"))
    asked = {name for panel in dashboard["panels"] for target in panel["targets"]
             for name in re.findall(r"khaacho_\w+", target["expr"])}
    assert asked and asked <= exposed, asked - exposed
