"""Redis through Sentinel: REDIS_SENTINELS is checked at start, and with a real sentinel (Redis 7's
`redis-server --sentinel`) both the runtime's client and arq's pool reach the master it names."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot.config import ConfigError
from bot.worker import arq_redis_settings
from storage.redis_connection import RedisTarget, connect_redis, parse_sentinels
from tests.conftest import make_config
from tests.support.processes import free_port


def test_sentinel_lists_are_parsed() -> None:
    assert parse_sentinels("10.0.0.1:26379, sentinel-b:26380,[::1]:26381") == [
        ("10.0.0.1", 26379), ("sentinel-b", 26380), ("::1", 26381)]
    for bad in ("", "host", "host:port", "host:0", ":26379", "a:1,b"):
        with pytest.raises(ValueError):
            parse_sentinels(bad)


def test_a_bad_sentinel_list_stops_the_start_with_its_reason() -> None:
    with pytest.raises(ConfigError, match="REDIS_SENTINELS: 'nowhere' is not host:port"):
        make_config(REDIS_SENTINELS="nowhere")


def test_the_url_gives_database_and_password_the_sentinels_the_address() -> None:
    config = make_config(REDIS_SENTINELS="s1:26379,s2:26379", REDIS_SENTINEL_MASTER="khaacho",
                         REDIS_URL="redis://:pw@ignored:6379/5")
    target = config.secrets.redis_target
    assert (target.sentinels, target.master, target.database, target.password) == (
        [("s1", 26379), ("s2", 26379)], "khaacho", 5, "pw")
    settings = arq_redis_settings(target)
    assert (settings.sentinel, settings.host, settings.sentinel_master, settings.database, settings.password) == (
        True, [("s1", 26379), ("s2", 26379)], "khaacho", 5, "pw")
    plain = arq_redis_settings(make_config(REDIS_URL="redis://127.0.0.1:6390/3").secrets.redis_target)
    assert (plain.sentinel, plain.host, plain.port, plain.database) == (False, "127.0.0.1", 6390, 3)


def _wait(port: int) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            redis.Redis(port=port, socket_timeout=1).ping()
            return
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture
def sentinel(tmp_path: Path) -> Iterator[tuple[int, int]]:
    """A throwaway Redis master and one sentinel watching it (quorum 1): (sentinel port, master port)."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    master, watcher = free_port(), free_port()
    conf = tmp_path / "sentinel.conf"
    conf.write_text(f"port {watcher}\nbind 127.0.0.1\nsentinel monitor khaacho 127.0.0.1 {master} 1\n"
                    f"dir {tmp_path}\n", encoding="utf-8")
    procs = [subprocess.Popen(["redis-server", "--port", str(master), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL),
             subprocess.Popen(["redis-server", str(conf), "--sentinel"], stdout=subprocess.DEVNULL)]
    try:
        _wait(master)
        _wait(watcher)
        yield watcher, master
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)


async def test_clients_find_the_master_through_a_real_sentinel(sentinel: tuple[int, int]) -> None:
    from arq.connections import create_pool

    watcher, master = sentinel
    target = RedisTarget("redis://ignored/2", [("127.0.0.1", watcher)], "khaacho")
    client = connect_redis(target)
    try:
        await client.set("khaacho:sentinel-test", "yes")
        assert await client.get("khaacho:sentinel-test") == b"yes"
    finally:
        await client.aclose()
    assert redis.Redis(port=master, db=2).get("khaacho:sentinel-test") == b"yes", "written on the master, db 2"
    arq = await create_pool(arq_redis_settings(target))
    try:
        job = await arq.enqueue_job("heartbeat", _job_id="sentinel-probe")
        assert job is not None
        assert redis.Redis(port=master, db=2).exists("arq:job:sentinel-probe")
    finally:
        await arq.aclose()
