"""The Twilio path end to end: signed webhook → handling → outbox → Twilio REST (a local stub)."""

from __future__ import annotations

import asyncio

import pytest

from bot.appkeys import RUNTIME
from tests.conftest import TEST_ENV, make_config
from tests.support.app_harness import serving
from tests.support.signing import sign, twilio_form

RAM = "+9779800000001"
TOKEN = TEST_ENV["TWILIO_AUTH_TOKEN"]


@pytest.fixture
async def app_client(aiohttp_client, stub):  # type: ignore[no-untyped-def]
    config = make_config(TWILIO_API_BASE_URL=stub.base_url, PUBLIC_BASE_URL="https://bot.example.com")
    async with serving(aiohttp_client, config, (RAM, "Ram Kirana")) as client:
        yield client


async def post_signed(client, form: dict[str, str], *, signature: str | None = None):  # type: ignore[no-untyped-def]
    url = "https://bot.example.com/webhooks/twilio"
    headers = {"X-Twilio-Signature": signature if signature is not None else sign(TOKEN, url, form)}
    return await client.post("/webhooks/twilio", data=form, headers=headers)


async def test_signed_greeting_is_answered_through_twilio(app_client, stub) -> None:
    response = await post_signed(app_client, twilio_form(RAM, "namaste"))
    assert response.status == 200
    assert "<Response></Response>" in await response.text()
    await stub.wait_for(1, timeout=5)  # latency is measured by bench/webhook_load.py, not asserted here
    (message,) = stub.messages
    assert message.to == f"whatsapp:{RAM}"
    assert message.from_ == "whatsapp:+14155238886"
    assert "Ram Kirana" in message.body
    assert stub.rejected == []


async def test_same_message_sid_twice_gives_one_reply(app_client, stub) -> None:
    form = twilio_form(RAM, "hi", sid="SM" + "d" * 32)
    assert (await post_signed(app_client, form)).status == 200
    assert (await post_signed(app_client, form)).status == 200
    await stub.wait_for(1)
    await asyncio.sleep(0.3)
    assert len(stub.messages) == 1
    async with app_client.app[RUNTIME].pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM inbound_messages") == 1


async def test_bad_signature_is_refused_and_nothing_is_stored(app_client, stub) -> None:
    response = await post_signed(app_client, twilio_form(RAM, "namaste"), signature="bm90IGEgc2lnbmF0dXJl")
    assert response.status == 403
    missing = await app_client.post("/webhooks/twilio", data=twilio_form(RAM, "namaste"))
    assert missing.status == 403
    async with app_client.app[RUNTIME].pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM inbound_messages") == 0


@pytest.mark.parametrize(("form", "status"), [
    ({"Body": "no sid or sender"}, 400),
    ({"MessageSid": "SM1", "From": "whatsapp:+9779800000001", "NumMedia": "lots"}, 400),
])
async def test_malformed_payloads_get_400(app_client, form, status) -> None:
    assert (await post_signed(app_client, form)).status == status


async def test_non_form_body_gets_400_and_oversized_gets_413(app_client) -> None:
    assert (await app_client.post("/webhooks/twilio", json={"Body": "x"})).status == 400
    huge = twilio_form(RAM, "x" * 70_000)
    assert (await post_signed(app_client, huge)).status == 413


async def test_status_callback_updates_the_outbox_row(app_client, stub) -> None:
    await post_signed(app_client, twilio_form(RAM, "help"))
    await stub.wait_for(1)
    pool = app_client.app[RUNTIME].pool
    for _ in range(50):  # the pump records the SID just after the stub answers
        async with pool.acquire() as conn:
            if await conn.fetchval("SELECT provider_sid FROM outbound_messages"):
                break
        await asyncio.sleep(0.02)
    form = {"MessageSid": stub.messages[0].sid, "MessageStatus": "delivered"}
    url = "https://bot.example.com/webhooks/twilio/status"
    response = await app_client.post("/webhooks/twilio/status", data=form,
                                     headers={"X-Twilio-Signature": sign(TOKEN, url, form)})
    assert response.status == 204
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT status, provider_status FROM outbound_messages")
    assert (row["status"], row["provider_status"]) == ("delivered", "delivered")


async def test_health_reports_each_part(app_client) -> None:
    runtime = app_client.app[RUNTIME]
    await runtime.redis.delete("khaacho:worker:heartbeat")
    response = await app_client.get("/health")
    assert response.status == 503
    body = await response.json()
    assert body["checks"] == {"postgresql": "ok", "redis": "ok", "worker": "down: no heartbeat", "sender": "ok"}
    await runtime.redis.set("khaacho:worker:heartbeat", "now", ex=30)
    response = await app_client.get("/health")
    assert response.status == 200 and (await response.json())["status"] == "ok"
