"""The simulator's endpoints: the web channel's messages go into the same inbox, deduplicated by the
page's id, tapped buttons carry their payload, uploads become media, new shops are retailers."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from bot.appkeys import RUNTIME
from tests.support.console_site import RETAILER, console_client, console_config

PHOTO = Path(__file__).resolve().parents[1] / "conversations" / "data" / "media_list.png"


@pytest.fixture
async def client(aiohttp_client, config):  # type: ignore[no-untyped-def]
    async with console_client(aiohttp_client, console_config(config)) as c:
        yield c


async def _inbox(client) -> list:  # type: ignore[no-untyped-def]
    runtime = client.app[RUNTIME]
    await runtime.intake.drain()
    async with runtime.pool.acquire() as conn:
        return await conn.fetch("SELECT provider, provider_id, phone, body, media, payload, status"
                                " FROM inbound_messages ORDER BY id")


async def test_a_message_is_stored_once_per_page_id_and_handled(client) -> None:
    for _ in range(2):
        sent = await client.post("/sim/send", json={"phone": RETAILER, "text": "help", "id": "web-aaaa-1"})
        assert sent.status == 202
    rows = await _inbox(client)
    assert [(r["provider"], r["provider_id"], r["phone"], r["body"]) for r in rows] == \
        [("web", "web-aaaa-1", RETAILER, "help")]
    assert rows[0]["status"] == "done"


async def test_a_tapped_button_sends_its_payload(client) -> None:
    sent = await client.post("/sim/send", json={"phone": RETAILER, "text": "Confirm", "button_payload": "confirm",
                                                "id": "web-button-1"})
    assert sent.status == 202
    (row,) = await _inbox(client)
    assert row["payload"]["button_payload"] == "confirm"


async def test_the_stream_pushes_replies_from_the_outbox(client) -> None:
    async with client.get("/sim/stream", params={"phone": RETAILER}) as stream:
        await client.post("/sim/send", json={"phone": RETAILER, "text": "help", "id": "web-stream-1"})
        lines: list[str] = []
        async with asyncio.timeout(10):
            while not any(line.startswith("data: ") for line in lines):
                lines.append((await stream.content.readline()).decode().strip())
    assert "event: message" in lines and any(line.startswith("id: ") for line in lines)


async def test_an_upload_becomes_a_media_job(client) -> None:
    form = aiohttp.FormData()
    form.add_field("phone", RETAILER)
    form.add_field("id", "web-photo-1")
    form.add_field("file", PHOTO.read_bytes(), filename="list.png", content_type="image/png")
    assert (await client.post("/sim/upload", data=form)).status == 202
    (row,) = await _inbox(client)
    (media,) = row["media"]
    assert row["provider"] == "web" and media["content_type"] == "image/png"
    assert Path(media["url"]).read_bytes() == PHOTO.read_bytes()
    async with client.app[RUNTIME].pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM media_jobs WHERE status = 'pending'") == 1
    bad = aiohttp.FormData()
    bad.add_field("phone", RETAILER)
    bad.add_field("id", "web-photo-2")
    bad.add_field("file", b"#!/bin/sh", filename="x.sh", content_type="text/x-sh")
    assert (await client.post("/sim/upload", data=bad)).status == 400


async def test_a_new_shop_is_a_retailer(client) -> None:
    made = await client.post("/sim/retailers", json={"phone": "+977 9811-000000", "name": "Naya Pasal"})
    assert made.status == 201 and (await made.json())["phone"] == "+9779811000000"
    people = await (await client.get("/sim/people")).json()
    assert {"phone": "+9779811000000", "name": "Naya Pasal"} in people["retailer"]
    again = await client.post("/sim/retailers", json={"phone": "+9779811000000", "name": "Other"})
    assert again.status == 409
    for bad in ({"phone": "12", "name": "x"}, {"phone": "+9779811000001", "name": "  "}, {"name": "x"}):
        assert (await client.post("/sim/retailers", json=bad)).status == 400, bad
