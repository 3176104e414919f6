"""Two servers and two workers on one PostgreSQL and Redis: each conversation in order, answered once."""

from __future__ import annotations

import asyncio
import os
from decimal import Decimal

import aiohttp
import pytest

from storage.db import connect, migrate
from storage.repos.users import UserRepository
from tests.conftest import TEST_ENV
from tests.support.processes import khaacho_processes
from tests.support.signing import sign, twilio_form

PUBLIC = "https://bot.example.com"
PHONES = [f"+97798000010{i:02d}" for i in range(8)]
TURNS = ["namaste", "help"] * 3  # alternate, so the replies show the order they were handled in


async def _seed() -> None:
    conn = await connect(os.environ["DATABASE_URL"])
    try:
        await migrate(conn)
        await conn.execute("TRUNCATE inbound_messages, inbound_message_ids, outbound_messages, conversations CASCADE")
        users = UserRepository(conn)
        for i, phone in enumerate(PHONES):
            await users.add_retailer(phone, f"Shop {i}", Decimal(10000))
    finally:
        await conn.close()


@pytest.mark.timeout(180)
async def test_two_servers_two_workers_keep_each_conversation_in_order(stub, tmp_path) -> None:
    await _seed()
    env = {"TWILIO_API_BASE_URL": stub.base_url, "PUBLIC_BASE_URL": PUBLIC}
    with khaacho_processes(env, servers=2, workers=2, log_dir=tmp_path) as ports:
        async with aiohttp.ClientSession() as http:

            async def converse(n: int, phone: str) -> None:
                for turn, text in enumerate(TURNS):
                    port = ports[(n + turn) % 2]  # each turn of a conversation to the other server
                    form = twilio_form(phone, text)
                    sig = sign(TEST_ENV["TWILIO_AUTH_TOKEN"], f"{PUBLIC}/webhooks/twilio", form)
                    async with http.post(f"http://127.0.0.1:{port}/webhooks/twilio", data=form,
                                         headers={"X-Twilio-Signature": sig}) as response:
                        assert response.status == 200

            await asyncio.gather(*(converse(n, p) for n, p in enumerate(PHONES)))
        await stub.wait_for(len(PHONES) * len(TURNS), timeout=60)
        await asyncio.sleep(0.5)
    assert len(stub.messages) == len(PHONES) * len(TURNS), "each message answered exactly once"
    for phone in PHONES:
        kinds = ["help" if "Here is what I can do" in m.body else "namaste" for m in stub.to(phone)]
        assert kinds == TURNS, f"{phone} was answered out of order: {kinds}"
