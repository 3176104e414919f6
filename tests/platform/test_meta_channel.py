"""The Meta Cloud API path end to end: signed webhook → handling → outbox → Graph API (a local stub)."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import itertools
import json
from typing import Any

import pytest

from bot.app import create_app
from bot.appkeys import RUNTIME
from bot.channels.meta import signature_header
from bot.config import Config, ConfigError, MetaChannelConfig
from tests.conftest import make_config
from tests.platform.test_meta_payloads import SAMPLES
from tests.support.app_harness import serving
from tests.support.graph_stub import GraphStub

RAM = "+9779800000001"
SECRET, VERIFY, TOKEN, NUMBER_ID = "meta-app-secret", "verify-me", "meta-access-token", "1122334455667"
_wamids = itertools.count(1)


def meta_config(graph_url: str, *, enabled: bool = True) -> Config:
    config = make_config(META_APP_SECRET=SECRET, META_VERIFY_TOKEN=VERIFY, META_ACCESS_TOKEN=TOKEN,
                         META_PHONE_NUMBER_ID=NUMBER_ID, META_API_BASE_URL=graph_url)
    channels = dataclasses.replace(config.channels, meta=MetaChannelConfig(enabled=enabled), outbound="meta")
    return dataclasses.replace(config, channels=channels)


def text_webhook(phone: str, text: str, wamid: str | None = None) -> dict[str, Any]:
    """The real text sample, addressed from `phone` with `text`."""
    payload = copy.deepcopy(SAMPLES[("message", "text")])
    value = payload["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = phone.lstrip("+")
    message = value["messages"][0]
    message.update({"from": phone.lstrip("+"), "id": wamid or f"wamid.TEST{next(_wamids):08d}",
                    "text": {"body": text}})
    return payload


def status_webhook(wamid: str, status: str, callback_data: str | None = None) -> dict[str, Any]:
    payload = copy.deepcopy(SAMPLES[("message_status", "with_tracker" if callback_data else status)])
    entry = payload["entry"][0]["changes"][0]["value"]["statuses"][0]
    entry.update(id=wamid, status=status, recipient_id=RAM.lstrip("+"))
    if callback_data:
        entry["biz_opaque_callback_data"] = callback_data
    return payload


@pytest.fixture
async def graph(aiohttp_server):  # type: ignore[no-untyped-def]
    stub = GraphStub(TOKEN, NUMBER_ID)
    server = await aiohttp_server(stub.app())
    stub.base_url = str(server.make_url("")).rstrip("/")
    return stub


@pytest.fixture
async def app_client(aiohttp_client, graph):  # type: ignore[no-untyped-def]
    async with serving(aiohttp_client, meta_config(graph.base_url), (RAM, "Ram Kirana")) as client:
        yield client


async def post(client, payload: Any, *, signature: str | None = None, raw: bytes | None = None):  # type: ignore[no-untyped-def]
    body = raw if raw is not None else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json",
               "X-Hub-Signature-256": signature if signature is not None else signature_header(SECRET, body)}
    return await client.post("/webhooks/meta", data=body, headers=headers)


async def count(client, sql: str) -> int:  # type: ignore[no-untyped-def]
    async with client.app[RUNTIME].pool.acquire() as conn:
        return await conn.fetchval(sql)


async def test_verification_challenge(app_client) -> None:
    ok = await app_client.get("/webhooks/meta", params={
        "hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"})
    assert ok.status == 200 and await ok.text() == "1158201444"
    for params in ({"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
                   {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY, "hub.challenge": "1"},
                   {"hub.challenge": "1"}):
        assert (await app_client.get("/webhooks/meta", params=params)).status == 403


async def test_greeting_is_answered_through_the_graph_api(app_client, graph) -> None:
    response = await post(app_client, text_webhook(RAM, "namaste"))
    assert response.status == 200
    await graph.wait_for(1, timeout=5)
    assert graph.rejected == []  # the stub checked the bearer token, the URL and the body
    (sent,) = graph.messages
    row_id = await count(app_client, "SELECT id FROM outbound_messages")
    assert sent["to"] == RAM.lstrip("+") and sent["type"] == "text"
    assert "Ram Kirana" in sent["text"]["body"]
    assert sent["biz_opaque_callback_data"] == str(row_id)
    for _ in range(50):  # the pump records the wamid just after the stub answers
        if await count(app_client, "SELECT count(*) FROM outbound_messages WHERE provider_sid IS NOT NULL"):
            break
        await asyncio.sleep(0.02)
    async with app_client.app[RUNTIME].pool.acquire() as conn:
        stored = await conn.fetchrow("SELECT provider, provider_id, phone FROM inbound_messages")
        outbox = await conn.fetchrow("SELECT status, provider_sid FROM outbound_messages")
    assert (stored["provider"], stored["phone"]) == ("meta", RAM)
    assert (outbox["status"], outbox["provider_sid"]) == ("sent", sent["_wamid"])


async def test_same_wamid_twice_gives_one_reply(app_client, graph) -> None:
    payload = text_webhook(RAM, "hi", wamid="wamid.DUPLICATE")
    assert (await post(app_client, payload)).status == 200
    assert (await post(app_client, payload)).status == 200
    await graph.wait_for(1)
    await asyncio.sleep(0.3)
    assert len(graph.messages) == 1
    assert await count(app_client, "SELECT count(*) FROM inbound_messages") == 1


async def test_bad_or_missing_signature_is_refused_and_nothing_is_stored(app_client) -> None:
    payload = text_webhook(RAM, "namaste")
    assert (await post(app_client, payload, signature="sha256=" + "0" * 64)).status == 403
    assert (await post(app_client, payload, signature="")).status == 403
    body = json.dumps(payload).encode()
    tampered = body.replace(b"namaste", b"namasta")
    assert (await post(app_client, None, raw=tampered, signature=signature_header(SECRET, body))).status == 403
    assert await count(app_client, "SELECT count(*) FROM inbound_messages") == 0


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe", b"[]", b'{"object": "page", "entry": []}',
                                 b'{"object": "whatsapp_business_account", "entry": {}}'])
async def test_malformed_notifications_get_400(app_client, raw: bytes) -> None:
    assert (await post(app_client, None, raw=raw)).status == 400


async def test_ignored_kinds_are_accepted_and_not_stored(app_client) -> None:
    for sample in (("system", "identity_change"), ("flow_completion", "completion"),
                   ("template_status_update", "approved")):
        assert (await post(app_client, SAMPLES[sample])).status == 200
    assert await count(app_client, "SELECT count(*) FROM inbound_messages") == 0


async def test_status_callback_updates_the_outbox_row(app_client, graph) -> None:
    await post(app_client, text_webhook(RAM, "help"))
    await graph.wait_for(1)
    wamid = graph.messages[0]["_wamid"]
    for _ in range(50):
        if await count(app_client, "SELECT count(*) FROM outbound_messages WHERE provider_sid IS NOT NULL"):
            break
        await asyncio.sleep(0.02)
    assert (await post(app_client, status_webhook(wamid, "delivered"))).status == 200
    async with app_client.app[RUNTIME].pool.acquire() as conn:
        row = await conn.fetchrow("SELECT status, provider_status FROM outbound_messages")
    assert (row["status"], row["provider_status"]) == ("delivered", "delivered")
    failed = status_webhook(wamid, "failed")
    assert (await post(app_client, failed)).status == 200
    async with app_client.app[RUNTIME].pool.acquire() as conn:
        row = await conn.fetchrow("SELECT status, last_error FROM outbound_messages")
    assert row["status"] == "failed" and row["last_error"].startswith("130472")


async def test_a_status_with_our_row_id_settles_a_send_that_was_never_recorded(app_client) -> None:
    """The sender crashed after Meta accepted the message: the callback settles the row, no resend."""
    runtime = app_client.app[RUNTIME]
    async with runtime.pool.acquire() as conn:
        row_id = await conn.fetchval(
            "INSERT INTO outbound_messages (recipient, body, kind, status, tries, claimed_at, next_attempt_at,"
            " created_at) VALUES ($1, 'crashed', 'reply', 'sending', 1, now(), now(), now()) RETURNING id", RAM)
    assert (await post(app_client, status_webhook("wamid.CRASHED", "sent", str(row_id)))).status == 200
    async with runtime.pool.acquire() as conn:
        row = await conn.fetchrow("SELECT status, provider_sid FROM outbound_messages WHERE id = $1", row_id)
    assert (row["status"], row["provider_sid"]) == ("sent", "wamid.CRASHED")
    # a stray callback naming a row that is not `sending` changes nothing
    assert (await post(app_client, status_webhook("wamid.OTHER", "sent", str(row_id)))).status == 200
    assert await count(app_client, "SELECT count(*) FROM outbound_messages WHERE provider_sid = 'wamid.OTHER'") == 0


async def test_rate_limited_send_is_retried_later(app_client, graph) -> None:
    graph.fail_next.append((429, {"message": "Rate limit hit", "code": 130429}))
    await post(app_client, text_webhook(RAM, "namaste"))
    for _ in range(100):
        if await count(app_client, "SELECT count(*) FROM outbound_messages WHERE last_error LIKE 'meta 429%'"):
            break
        await asyncio.sleep(0.02)
    async with app_client.app[RUNTIME].pool.acquire() as conn:
        row = await conn.fetchrow("SELECT status, tries, next_attempt_at > now() AS later FROM outbound_messages")
    assert (row["status"], row["tries"], row["later"]) == ("queued", 1, True)
    assert graph.messages == []


async def test_routes_exist_only_when_the_channel_is_enabled(aiohttp_client, graph) -> None:
    client = await aiohttp_client(create_app(meta_config(graph.base_url, enabled=False)))
    assert (await client.get("/webhooks/meta", params={"hub.mode": "subscribe"})).status == 404


def test_missing_meta_secrets_are_reported_at_start(tmp_path) -> None:
    from bot.config import load_config
    from tests.conftest import TEST_ENV

    path = tmp_path / "config.yml"
    path.write_text("channels:\n  meta: {enabled: true}\n  outbound: meta\n")
    with pytest.raises(ConfigError) as raised:
        load_config(path, env={**TEST_ENV, "META_PHONE_NUMBER_ID": "abc"})
    assert {p.split(":")[0] for p in raised.value.problems} == {
        "META_APP_SECRET", "META_VERIFY_TOKEN", "META_ACCESS_TOKEN", "META_PHONE_NUMBER_ID"}
    path.write_text("channels:\n  outbound: carrier-pigeon\n")
    with pytest.raises(ConfigError, match=r"channels\.outbound: must be one of meta, twilio"):
        load_config(path, env=TEST_ENV)
    path.write_text("channels:\n  outbound: twilio\n")
    config = load_config(path, env={**TEST_ENV, "META_ACCESS_TOKEN": "secret-token-value",
                                    "META_APP_SECRET": "secret-app-value", "META_VERIFY_TOKEN": "secret-verify"})
    assert config.secrets.meta_access_token == "secret-token-value"
    assert not {"secret-token-value", "secret-app-value", "secret-verify"} & set(repr(config).split("'"))
