"""database.pool_size: how many connections each serve or worker opens, checked at load and at start."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest

from bot.config import ConfigError, DatabaseConfig, load_config
from bot.runtime import start_runtime, warn_if_pool_too_large
from storage.clock import FakeClock
from tests.conftest import ROOT, make_config


def _config_file(tmp_path: Path, pool_size: object) -> Path:
    text = (ROOT / "config.yml").read_text(encoding="utf-8")
    assert "  pool_size: 20" in text
    path = tmp_path / "config.yml"
    path.write_text(text.replace("  pool_size: 20", f"  pool_size: {pool_size}", 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("value", [2, 0, -5, "many"])
def test_a_pool_too_small_to_handle_and_store_is_refused_at_load(tmp_path: Path, value: object) -> None:
    with pytest.raises(ConfigError, match=r"database\.pool_size"):
        load_config(_config_file(tmp_path, value), env={})


def test_the_setting_is_read_and_the_shipped_value_is_twenty(tmp_path: Path) -> None:
    assert load_config(_config_file(tmp_path, 7), env={}).database.pool_size == 7
    assert load_config(env={}).database.pool_size == 20


async def test_a_process_opens_the_configured_pool_and_warns_when_postgresql_has_no_room(
        caplog: pytest.LogCaptureFixture) -> None:
    config = dataclasses.replace(make_config(), database=DatabaseConfig(pool_size=3))
    runtime = await start_runtime(config, clock=FakeClock(), nlu_check_every=0)
    try:
        assert runtime.pool.get_max_size() == 3
        with caplog.at_level(logging.WARNING, logger="bot.runtime"):
            await warn_if_pool_too_large(runtime.pool, 3)
            assert not caplog.records
            await warn_if_pool_too_large(runtime.pool, 100_000)
        assert "database.pool_size 100000 is more than PostgreSQL has free" in caplog.text
    finally:
        await runtime.close()
