"""Secrets and addresses never shown; download links signed with a key of their own."""

from __future__ import annotations

import logging

from bot.config import Secrets, load_config
from bot.logs import JsonFormatter
from bot.runtime import start_runtime
from services.ops.links import link_secret
from storage.clock import FakeClock
from tests.conftest import make_config

HIDDEN = {
    "DATABASE_URL": "postgresql://shop:db-pass-123@db.internal.example:5432/khaacho",
    "REDIS_URL": "redis://:redis-pass-456@cache.internal.example:6379/3",
    "TWILIO_AUTH_TOKEN": "twilio-token-789",
    "KHAACHO_SECRET_KEY": "link-key-abc",
    "OPENAI_API_KEY": "sk-openai-def",
    "OPENAI_BASE_URL": "https://llm.internal.example/v1",
    "PUBLIC_BASE_URL": "https://ops.internal.example",
    "META_APP_SECRET": "meta-secret-ghi",
    "META_ACCESS_TOKEN": "meta-access-jkl",
}


def test_repr_str_and_logs_of_the_config_show_no_secret_and_no_address() -> None:
    config = load_config(env=HIDDEN)
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "config %s", (config,), None)
    record.secrets = config.secrets
    shown = "\n".join([repr(config), str(config), f"{config.secrets}", JsonFormatter().format(record)])
    for name, value in HIDDEN.items():
        for piece in {value, value.split("@")[-1], value.split("//")[-1]}:
            assert piece not in shown, f"{name} shown: {piece}"
    assert "database_url=<set>" in repr(config.secrets) and "meta_verify_token=<unset>" in repr(config.secrets)


def test_links_are_never_signed_with_the_twilio_token() -> None:
    assert link_secret(Secrets(twilio_auth_token="twilio-token")) == ""
    assert link_secret(Secrets(twilio_auth_token="twilio-token", khaacho_secret_key="own")) == "own"


async def test_without_khaacho_secret_key_a_key_is_made_once_and_kept() -> None:
    config = make_config(KHAACHO_SECRET_KEY="")
    keys = []
    for _ in range(2):  # two processes, or one restarted: the same key
        runtime = await start_runtime(config, clock=FakeClock(), pool_size=2, nlu_check_every=0)
        try:
            keys.append(runtime.config.secrets.khaacho_secret_key)
            assert runtime.dispatcher.config.secrets.khaacho_secret_key == keys[-1]
        finally:
            await runtime.close()
    assert keys[0] == keys[1] and len(keys[0]) >= 40
    assert keys[0] != config.secrets.twilio_auth_token
    given = await start_runtime(make_config(KHAACHO_SECRET_KEY="operator-key"), clock=FakeClock(), pool_size=2,
                                nlu_check_every=0)
    try:
        assert given.config.secrets.khaacho_secret_key == "operator-key"
    finally:
        await given.close()
