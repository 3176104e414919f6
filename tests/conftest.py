"""Shared test set-up: real services, a config pointing at them, and conversation fixtures as tests."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Config, load_config
from bot.runtime import Runtime, start_runtime
from storage.clock import FakeClock
from testing.database import reset_database
from testing.fixtures import load_fixture
from testing.replay import Replayer
from tests.support.services import drop_test_database, prepare_test_services
from tests.support.twilio_stub import TwilioStub

ROOT = Path(__file__).resolve().parent.parent
TEST_ENV = {
    "TWILIO_ACCOUNT_SID": "AC" + "a1" * 16,
    "TWILIO_AUTH_TOKEN": "test-auth-token",
    "TWILIO_FROM_NUMBER": "+14155238886",
}
BARE_UNSET = ("TWILIO_", "META_", "OPENAI_", "KHAACHO_SECRET_KEY")


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        prepare_test_services(ROOT)
    os.environ.update(TEST_ENV)


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        drop_test_database()


def make_config(**env: str) -> Config:
    return load_config(env={**os.environ, **TEST_ENV, **env})


def bare_config() -> Config:
    """The config of a fresh clone: no provider credentials, no KHAACHO_SECRET_KEY."""
    return load_config(env={k: v for k, v in os.environ.items() if not k.startswith(BARE_UNSET)})


@pytest.fixture
def config() -> Config:
    return make_config()


@pytest.fixture
async def runtime(config: Config) -> AsyncIterator[Runtime]:
    """A runtime with a hand-moved clock on a freshly emptied database."""
    rt = await start_runtime(config, clock=FakeClock(), pool_size=5, nlu_check_every=0)
    await reset_database(rt)
    yield rt
    await rt.close()


@pytest.fixture
async def stub(aiohttp_server):  # type: ignore[no-untyped-def]
    """A local Twilio REST API that checks what it receives; `stub.base_url` is its address."""
    twilio = TwilioStub(TEST_ENV["TWILIO_ACCOUNT_SID"], TEST_ENV["TWILIO_AUTH_TOKEN"])
    server = await aiohttp_server(twilio.app())
    twilio.base_url = str(server.make_url("")).rstrip("/")
    return twilio


class ConversationFixture(pytest.Item):
    def runtest(self) -> None:
        asyncio.run(self._replay())

    async def _replay(self) -> None:  # a fixture carries all it needs: the environment gives nothing
        runtime = await start_runtime(bare_config(), clock=FakeClock(), pool_size=4, nlu_check_every=0)
        try:
            await Replayer(runtime).run(load_fixture(self.path))
        finally:
            await runtime.close()

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style=None) -> str:  # type: ignore[no-untyped-def]
        return str(excinfo.value)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"conversation: {self.name}"


class ConversationFile(pytest.File):
    def collect(self):  # type: ignore[no-untyped-def]
        yield ConversationFixture.from_parent(self, name=self.path.stem)


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".yml" and file_path.parent.name == "conversations":
        return ConversationFile.from_parent(parent, path=file_path)
    return None
