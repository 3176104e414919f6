"""The developer's tools as a newcomer runs them, every time: chat, the demo, nlu eval, replay."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from tests.conftest import BARE_UNSET

ROOT = Path(__file__).resolve().parents[2]
CONVERSATIONS = ROOT / "tests" / "conversations"


def bare_env(**extra: str) -> dict[str, str]:
    """The environment of a fresh clone: no provider credentials, no signing key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(BARE_UNSET)}
    return {**env, **extra}


def khaacho(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
            timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, input=stdin, text=True,
                          capture_output=True, timeout=timeout, env=env or bare_env())


def database_named(name: str) -> str:
    return urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + name))


async def sql(url: str, query: str, *args: object) -> object:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(query, *args)
    finally:
        await conn.close()


def test_chat_runs_again_and_again_on_one_database() -> None:
    assert khaacho("retailer", "add", "+9779800000661", "Again Pasal").returncode == 0
    for _ in range(3):
        result = khaacho("chat", "--as", "+9779800000661", stdin="namaste\n")
        assert result.returncode == 0, result.stderr[-2000:]
        assert "bot> Namaste Again Pasal" in result.stdout
    sids = asyncio.run(sql(os.environ["DATABASE_URL"], "SELECT count(DISTINCT provider_sid) FROM outbound_messages"
                           " WHERE recipient = '+9779800000661'"))
    assert sids == 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(path: Path, text: str, proc: subprocess.Popen[str], timeout: float = 150) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = path.read_text(encoding="utf-8", errors="replace")
        if text in seen:
            return seen
        assert proc.poll() is None, f"exited {proc.returncode}:\n{seen[-3000:]}"
        time.sleep(0.3)
    raise AssertionError(f"{text!r} not seen in time:\n{path.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path, Path]]:
    """`khaacho run` without Twilio credentials, its stdout and stderr in files."""
    out, err = tmp_path / "run.out", tmp_path / "run.err"
    with out.open("w") as stdout, err.open("w") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "run", "--port", str(_free_port())], cwd=ROOT,
                                env=bare_env(), stdout=stdout, stderr=stderr, text=True, start_new_session=True)
    try:
        yield proc, out, err
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_the_demo_without_twilio_delivers_to_the_console_and_chat_works_beside_it(
        demo: tuple[subprocess.Popen[str], Path, Path]) -> None:
    proc, out, err = demo
    first = _wait_for(out, "khaacho is running", proc).splitlines()
    assert any("replies are delivered to the console" in line for line in first[:3]), first
    _wait_for(err, "replies are delivered to this log", proc)

    # A reply the worker sends, as after a webhook: it lands in the log, never at api.twilio.com.
    url = os.environ["DATABASE_URL"]
    asyncio.run(sql(url, "WITH r AS (INSERT INTO outbound_messages (recipient, body, next_attempt_at, created_at)"
                    " VALUES ('+9779800000662', 'delivered to the console', now(), now()) RETURNING id)"
                    " SELECT pg_notify('outbox', '') FROM r"))
    log = _wait_for(err, "delivered to the console", proc, timeout=60)
    line = next(json.loads(x) for x in log.splitlines() if "delivered to the console" in x)
    assert line["msg"] == "console delivery" and line["to"] == "+9779800000662"
    assert "api.twilio.com" not in log

    # chat beside the running worker, twice: both see their replies, whoever sends them.
    for _ in range(2):
        result = khaacho("chat", "--as", "+9779800000001", stdin="namaste\nhelp\n")
        assert result.returncode == 0, result.stderr[-2000:]
        assert "bot> Namaste Ram Kirana" in result.stdout and "Here is what I can do" in result.stdout
    assert proc.poll() is None


async def test_make_sender_uses_twilio_when_its_credentials_are_set() -> None:
    from bot.channels.console import ConsoleSender
    from bot.channels.twilio import TwilioSender
    from bot.commands.runtime_cmds import delivery_line
    from bot.worker import make_sender
    from tests.conftest import make_config

    with_token = make_config()
    twilio = make_sender(with_token)
    assert isinstance(twilio, TwilioSender)
    await twilio.close()
    assert delivery_line(with_token) == "replies are sent through Twilio"
    without = make_config(TWILIO_AUTH_TOKEN="")
    assert isinstance(make_sender(without), ConsoleSender)
    assert "console" in delivery_line(without)


INTENTS = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - namaste
    - hello
    - hi there
    - namaskar dai
- intent: order
  examples: |
    - 2 kg chini pathaidinu
    - 5 packet wai wai
    - send 3 bottles of coke
    - 10 kg rice chahiyo
"""


def test_nlu_eval_on_intent_only_data_needs_no_database(tmp_path: Path) -> None:
    data = tmp_path / "intents.yml"
    data.write_text(INTENTS, encoding="utf-8")
    model = tmp_path / "model"
    no_db = bare_env(DATABASE_URL="postgresql://postgres@127.0.0.1:1/nowhere", REDIS_URL="redis://127.0.0.1:1/0")
    trained = khaacho("nlu", "train", "--data", str(data), "--out", str(model), env=no_db)
    assert trained.returncode == 0, trained.stderr[-2000:]
    result = khaacho("nlu", "eval", "--data", str(data), "--model", str(model), "--json", env=no_db)
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["n"] == 8 and 0 <= figures["intent_accuracy"] <= 1
    assert "embedded" not in result.stdout  # no services were started for it


def test_khaacho_replay_needs_nothing_from_the_environment() -> None:
    """Every fixture replays on a bare config as a test (tests/conftest.py); this is the command."""
    fixtures = [str(CONVERSATIONS / name) for name in ("admin_export.yml", "greeting.yml")]
    result = khaacho("replay", *fixtures)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "2 passed, 0 failed" in result.stdout


@pytest.fixture
def other_database() -> Iterator[str]:
    """A database whose name does not say test, dropped afterwards."""
    name = f"khaacho_shop_{os.getpid()}"
    admin = os.environ["KHAACHO_TEST_ADMIN_URL"]
    asyncio.run(sql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(sql(admin, f'CREATE DATABASE "{name}"'))
    try:
        yield database_named(name)
    finally:
        asyncio.run(sql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_replay_refuses_to_empty_a_database_that_holds_data(other_database: str) -> None:
    env = bare_env(DATABASE_URL=other_database)
    fixture = str(CONVERSATIONS / "greeting.yml")
    assert khaacho("retailer", "add", "+9779800000663", "Real Shop", env=env).returncode == 0

    refused = khaacho("replay", fixture, env=env)
    assert refused.returncode == 2
    assert "refusing to replay" in refused.stderr and "--yes-wipe" in refused.stderr
    kept = asyncio.run(sql(other_database, "SELECT name FROM users WHERE phone = '+9779800000663'"))
    assert kept == "Real Shop"

    wiped = khaacho("replay", fixture, "--yes-wipe", env=env)
    assert wiped.returncode == 0, wiped.stdout[-2000:] + wiped.stderr[-2000:]
    assert asyncio.run(sql(other_database, "SELECT count(*) FROM users WHERE phone = '+9779800000663'")) == 0


def test_replay_runs_on_an_empty_database_whatever_its_name(other_database: str) -> None:
    result = khaacho("replay", str(CONVERSATIONS / "greeting.yml"), env=bare_env(DATABASE_URL=other_database))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "1 passed, 0 failed" in result.stdout
