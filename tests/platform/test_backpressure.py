"""A process at capacity answers webhooks 503 with Retry-After at once, and stores nothing."""

from __future__ import annotations

import pytest

from bot.appkeys import RUNTIME
from bot.web import inbound
from tests.conftest import TEST_ENV, make_config
from tests.support.app_harness import serving
from tests.support.signing import sign, twilio_form

RAM = "+9779800000001"
URL = "https://bot.example.com/webhooks/twilio"


@pytest.fixture
async def app_client(aiohttp_client, stub):  # type: ignore[no-untyped-def]
    config = make_config(TWILIO_API_BASE_URL=stub.base_url, PUBLIC_BASE_URL="https://bot.example.com")
    async with serving(aiohttp_client, config, (RAM, "Ram Kirana")) as client:
        yield client


async def post(client, text: str):  # type: ignore[no-untyped-def]
    form = twilio_form(RAM, text)
    return await client.post("/webhooks/twilio", data=form,
                             headers={"X-Twilio-Signature": sign(TEST_ENV["TWILIO_AUTH_TOKEN"], URL, form)})


async def test_at_capacity_the_webhook_refuses_fast_and_recovers(app_client, stub, monkeypatch) -> None:
    runtime = app_client.app[RUNTIME]
    runtime.intake._running.add("+9779800000099")  # one conversation in flight
    monkeypatch.setattr(inbound, "MAX_IN_FLIGHT", 1)
    async with runtime.pool.acquire() as conn:
        stored = await conn.fetchval("SELECT count(*) FROM inbound_messages WHERE phone = $1", RAM)
    refused = await post(app_client, "namaste")
    assert refused.status == 503
    assert refused.headers["Retry-After"] == str(inbound.RETRY_AFTER_S)
    async with runtime.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM inbound_messages WHERE phone = $1", RAM) == stored
    runtime.intake._running.discard("+9779800000099")
    assert (await post(app_client, "namaste")).status == 200  # the provider's retry gets through
    await stub.wait_for(1, timeout=10)
    assert [m.to for m in stub.messages] == [f"whatsapp:{RAM}"]


async def test_with_rounds_of_conversations_waiting_for_a_slot_the_webhook_refuses(app_client, stub) -> None:
    intake = app_client.app[RUNTIME].intake
    waiting = {f"+97798000{n:05d}" for n in range(inbound.WAITING_ROUNDS * intake.slots)}
    intake._running |= waiting  # scheduled, none holding a slot yet
    assert intake.waiting == len(waiting) < inbound.MAX_IN_FLIGHT
    assert (await post(app_client, "namaste")).status == 503
    intake._running -= waiting
    assert (await post(app_client, "namaste")).status == 200
    await stub.wait_for(1, timeout=10)
