"""PostgreSQL unreachable: webhooks spool messages to disk, answer 200, and replay them once it is back."""

from __future__ import annotations

import asyncio
import dataclasses

import asyncpg

from bot.appkeys import RUNTIME
from bot.channels.base import InboundMessage, Media
from bot.spool import Spool
from tests.conftest import TEST_ENV, make_config
from tests.support.app_harness import serving
from tests.support.processes import free_port
from tests.support.signing import sign, twilio_form

RAM = "+9779800000001"
PUBLIC = "https://bot.example.com"


async def _post(client, form: dict[str, str]) -> int:  # type: ignore[no-untyped-def]
    signature = sign(TEST_ENV["TWILIO_AUTH_TOKEN"], f"{PUBLIC}/webhooks/twilio", form)
    return (await client.post("/webhooks/twilio", data=form, headers={"X-Twilio-Signature": signature})).status


async def test_messages_are_spooled_while_the_database_is_down_and_handled_after(aiohttp_client, stub,
                                                                               tmp_path) -> None:
    config = make_config(TWILIO_API_BASE_URL=stub.base_url, PUBLIC_BASE_URL=PUBLIC)
    config = dataclasses.replace(config, web=dataclasses.replace(config.web, spool_dir=str(tmp_path / "spool")))
    async with serving(aiohttp_client, config, (RAM, "Ram Kirana")) as client:
        intake = client.app[RUNTIME].intake
        live = intake.pool
        dead = await asyncpg.create_pool(f"postgresql://postgres@127.0.0.1:{free_port()}/none", min_size=0)
        intake.pool = dead  # nothing answers on that port: every store fails as when PostgreSQL is down
        forms = [twilio_form(RAM, text) for text in ("help", "namaste", "help", "hello", "help")]
        try:
            for form in forms:
                assert await _post(client, form) == 200
            assert await _post(client, forms[1]) == 200  # Twilio's redelivery of one of them
            assert len(Spool(tmp_path / "spool").pending()) == 6
            async with live.acquire() as conn:
                assert await conn.fetchval("SELECT count(*) FROM inbound_messages") == 0
            await asyncio.sleep(1.5)  # the replayer tries, fails, keeps everything
            assert len(Spool(tmp_path / "spool").pending()) == 6
        finally:
            intake.pool = live
            await dead.close()
        for _ in range(100):
            if not Spool(tmp_path / "spool").pending():
                break
            await asyncio.sleep(0.1)
        assert Spool(tmp_path / "spool").pending() == []
        await stub.wait_for(5, timeout=10)
        await intake.drain()
        await asyncio.sleep(0.3)
        async with live.acquire() as conn:
            rows = await conn.fetch("SELECT provider_id, status FROM inbound_messages ORDER BY id")
        assert [r["provider_id"] for r in rows] == [f["MessageSid"] for f in forms]  # none lost, none doubled,
        assert {r["status"] for r in rows} == {"done"}                               # in arrival order
        assert len(stub.messages) == 5


async def test_a_spool_left_by_a_dead_process_is_replayed_in_order(tmp_path) -> None:
    folder = tmp_path / "spool"
    messages = [InboundMessage("twilio", f"SM{i}", RAM, text=f"m{i}", media=(Media("https://x/1", "image/jpeg"),),
                               extra={"WaId": "9779800000001"}) for i in range(5)]
    for message in messages:
        Spool(folder).put(message)
    seen: list[InboundMessage] = []

    async def receive(message: InboundMessage) -> None:
        if len(seen) == 3 and not getattr(receive, "failed", False):
            receive.failed = True  # type: ignore[attr-defined]
            raise OSError("connection refused")
        seen.append(message)

    assert await Spool(folder).replay(receive, transient=(OSError,)) == 3
    assert len(Spool(folder).pending()) == 2
    assert await Spool(folder).replay(receive, transient=(OSError,)) == 2
    assert seen == messages
    assert list(folder.glob("*.json")) == []
