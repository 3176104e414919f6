"""Forged webhooks: no channel accepts a request nobody could have signed with a real secret."""

from __future__ import annotations

import asyncio
import dataclasses
import logging

import pytest

from bot.app import create_app
from bot.appkeys import RUNTIME
from bot.channels.meta import signature_header
from bot.channels.twilio import is_valid_signature
from bot.config import ConfigError, MetaChannelConfig, TwilioChannelConfig, load_config
from tests.conftest import TEST_ENV, make_config
from tests.support.app_harness import serving
from tests.support.signing import sign, twilio_form

ADMIN, RAM = "+9779800000000", "+9779800000001"
PUBLIC = "https://bot.example.com"
URL = f"{PUBLIC}/webhooks/twilio"


def unsigned(config):  # type: ignore[no-untyped-def]
    channels = dataclasses.replace(config.channels, twilio=TwilioChannelConfig(validate_signature=False))
    return dataclasses.replace(config, channels=channels)


async def _credit_limit(client) -> str:  # type: ignore[no-untyped-def]
    async with client.app[RUNTIME].pool.acquire() as conn:
        return str(await conn.fetchval(
            "SELECT r.credit_limit FROM retailers r JOIN users u ON u.id = r.user_id WHERE u.phone = $1", RAM))


async def _inbound_count(client) -> int:  # type: ignore[no-untyped-def]
    async with client.app[RUNTIME].pool.acquire() as conn:
        return int(await conn.fetchval("SELECT count(*) FROM inbound_messages"))


def test_the_empty_key_never_validates() -> None:
    form = twilio_form(ADMIN, "/credit Ram limit 9999999")
    assert not is_valid_signature("", URL, form, sign("", URL, form))
    assert is_valid_signature("real-token", URL, form, sign("real-token", URL, form))


async def test_without_a_twilio_token_a_forged_admin_command_is_refused(aiohttp_client, stub) -> None:
    config = make_config(TWILIO_AUTH_TOKEN="", TWILIO_API_BASE_URL=stub.base_url, PUBLIC_BASE_URL=PUBLIC)
    async with serving(aiohttp_client, config, (RAM, "Ram Kirana")) as client:
        before = await _credit_limit(client)
        form = twilio_form(ADMIN, "/credit +9779800000001 limit 9999999")
        response = await client.post("/webhooks/twilio", data=form, headers={"X-Twilio-Signature": sign("", URL, form)})
        assert response.status in (403, 404)
        status = await client.post("/webhooks/twilio/status", data={"MessageSid": "SM1", "MessageStatus": "read"},
                                   headers={"X-Twilio-Signature": sign("", f"{URL}/status", {})})
        assert status.status in (403, 404)
        await client.app[RUNTIME].intake.drain()
        await asyncio.sleep(0.1)
        assert await _inbound_count(client) == 0
        assert await _credit_limit(client) == before
    assert stub.messages == []


def test_signature_checking_off_is_refused_without_the_dev_flag(tmp_path) -> None:
    path = tmp_path / "config.yml"
    path.write_text("channels:\n  twilio:\n    validate_signature: false\n")
    with pytest.raises(ConfigError, match="KHAACHO_INSECURE_DEV"):
        load_config(path, env=TEST_ENV)
    with pytest.raises(ConfigError, match="KHAACHO_INSECURE_DEV"):
        create_app(unsigned(make_config()))
    assert not load_config(path, env={**TEST_ENV, "KHAACHO_INSECURE_DEV": "1"}).channels.twilio.validate_signature


async def test_the_dev_flag_accepts_unsigned_posts_and_says_so_loudly(aiohttp_client, stub, caplog) -> None:
    config = unsigned(make_config(KHAACHO_INSECURE_DEV="1", TWILIO_API_BASE_URL=stub.base_url))
    with caplog.at_level(logging.WARNING):
        async with serving(aiohttp_client, config, (RAM, "Ram Kirana")) as client:
            assert (await client.post("/webhooks/twilio", data=twilio_form(RAM, "namaste"))).status == 200
    assert any(r.levelno == logging.CRITICAL and "INSECURE" in r.getMessage() for r in caplog.records)


async def test_meta_without_its_app_secret_does_not_start_and_empty_key_posts_are_refused(aiohttp_client) -> None:
    config = make_config(META_APP_SECRET="secret", META_VERIFY_TOKEN="v")
    enabled = dataclasses.replace(config.channels, meta=MetaChannelConfig(enabled=True))
    keyless = dataclasses.replace(config, channels=enabled,
                                  secrets=dataclasses.replace(config.secrets, meta_app_secret=""))
    with pytest.raises(ConfigError, match="META_APP_SECRET"):
        create_app(keyless)
    client = await aiohttp_client(create_app(dataclasses.replace(config, channels=enabled)))
    body = b'{"object": "whatsapp_business_account", "entry": []}'
    response = await client.post("/webhooks/meta", data=body, headers={
        "Content-Type": "application/json", "X-Hub-Signature-256": signature_header("", body)})
    assert response.status == 403
