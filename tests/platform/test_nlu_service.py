"""Our Rasa-compatible /model/parse, and the optional backend asked only when the local NLU is unsure."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web

from bot.app import create_app
from bot.appkeys import CONFIG, RUNTIME
from bot.runtime import start_runtime
from bot.web import rasa_parse
from services import UnitOfWork
from services.ops.apikeys import create_key
from storage.clock import FakeClock
from testing.database import reset_database
from tests.conftest import make_config
from tests.support.app_harness import serving


@pytest.fixture
async def client(aiohttp_client, stub):  # type: ignore[no-untyped-def]
    config = make_config(TWILIO_API_BASE_URL=stub.base_url)
    async with serving(aiohttp_client, config, ("+9779800000001", "Ram Kirana")) as app_client:
        from bot.commands.catalog import import_catalog
        from bot.commands.seed import DEMO_CATALOG

        await import_catalog(DEMO_CATALOG, config.secrets.database_url or "", progress=False)
        async with UnitOfWork(app_client.app[RUNTIME].pool) as uow:
            _, key = await create_key(uow, "rasa-tools", datetime.now(UTC))
        app_client.auth = {"Authorization": f"Bearer {key}"}
        yield app_client


async def test_model_parse_answers_like_a_rasa_server(client) -> None:  # type: ignore[no-untyped-def]
    await client.app[RUNTIME].nlu.refresh(client.app[RUNTIME].pool, force=True)
    response = await client.post("/model/parse", json={"text": "2 kg chini ra 5 packet wai wai"},
                                 headers=client.auth)
    assert response.status == 200
    body = await response.json()
    assert body["text"] == "2 kg chini ra 5 packet wai wai"
    assert body["intent"]["name"] == "order" and 0 < body["intent"]["confidence"] <= 1
    assert body["intent_ranking"][0]["name"] == "order" and len(body["intent_ranking"]) > 1
    products = [(e["value"], e["quantity"], e["unit"]) for e in body["entities"] if e["entity"] == "product"]
    assert products == [("SUGAR-LOOSE", 2.0, "kg"), ("WAIWAI-CHK-PKT", 5.0, "packet")]


@pytest.mark.parametrize("payload", [b"not json", b'{"txt": "x"}', b'{"text": 5}', b'["text"]',
                                     b"[" * 10_000, b'{"text": "\xff\xfe"}'])
async def test_model_parse_refuses_bad_bodies(client, payload: bytes) -> None:  # type: ignore[no-untyped-def]
    response = await client.post("/model/parse", data=payload,
                                 headers={"Content-Type": "application/json", **client.auth})
    assert response.status == 400


@pytest.mark.parametrize(("payload", "status"), [(b'{"text": "2\\ud800X"}', 200), (b'{"text": "chi\\u0000ni"}', 200),
                                               (b'{"text": "2\xed\xa0\x80X"}', 200)])
async def test_found_by_fuzzing_lone_surrogates_and_nul_are_parsed(client, payload, status) -> None:  # type: ignore[no-untyped-def]
    response = await client.post("/model/parse", data=payload,
                                 headers={"Content-Type": "application/json", **client.auth})
    assert response.status == status


async def test_model_parse_needs_an_api_key_unless_configured_open(client, aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    assert (await client.post("/model/parse", json={"text": "hi"})).status == 401
    bad = {"Authorization": "Bearer khk_not-a-key"}
    assert (await client.post("/model/parse", json={"text": "hi"}, headers=bad)).status == 401
    config = client.app[CONFIG]
    open_config = dataclasses.replace(config, web=dataclasses.replace(config.web, model_parse_open=True))
    open_client = await aiohttp_client(create_app(open_config))
    assert (await open_client.post("/model/parse", json={"text": "hi"})).status == 200


async def test_model_parse_bounds_its_body(client) -> None:  # type: ignore[no-untyped-def]
    big = b'{"text": "' + b"a" * (rasa_parse.MAX_BODY + 10) + b'"}'
    response = await client.post("/model/parse", data=big,
                                 headers={"Content-Type": "application/json", **client.auth})
    assert response.status == 413

    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(20):
            yield b"a" * 4096
    streamed = await client.post("/model/parse", data=chunks(),
                                 headers={"Content-Type": "application/json", **client.auth})
    assert streamed.status == 413


async def test_model_parse_runs_off_the_event_loop(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A slow parse must not stop the loop: it keeps ticking (webhooks are answered) while it runs."""
    nlu = client.app[RUNTIME].nlu
    real = nlu.parse

    def slow(text: str):  # type: ignore[no-untyped-def]
        time.sleep(1.0)
        return real(text)
    monkeypatch.setattr(nlu, "parse", slow)
    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.02)
    tick = asyncio.create_task(ticker())
    response = await client.post("/model/parse", json={"text": "chini"}, headers=client.auth)
    tick.cancel()
    ticks.append(time.monotonic())
    assert response.status == 200
    assert max(b - a for a, b in itertools.pairwise(ticks)) < 0.5


async def rasa_stub(aiohttp_server, answers: dict[str, Any], seen: list[str]):  # type: ignore[no-untyped-def]
    async def parse(request: web.Request) -> web.Response:
        text = (await request.json())["text"]
        seen.append(text)
        return web.json_response({"text": text, "intent": answers.get(text, {"name": "out_of_scope",
                                                                             "confidence": 0.9}),
                                  "entities": []})
    app = web.Application()
    app.router.add_post("/model/parse", parse)
    return await aiohttp_server(app)


async def test_a_configured_backend_is_asked_only_when_the_local_nlu_is_unsure(aiohttp_server) -> None:
    seen: list[str] = []
    server = await rasa_stub(aiohttp_server, {"zxq blorp": {"name": "balance", "confidence": 0.93}}, seen)
    config = make_config()  # the shipped config, with the backend switched to rasa
    config = dataclasses.replace(config, nlu=dataclasses.replace(config.nlu, backend="rasa",
                                                                 rasa_url=str(server.make_url("")).rstrip("/")))
    runtime = await start_runtime(config, clock=FakeClock(), pool_size=3, nlu_check_every=0)
    try:
        await reset_database(runtime)
        sure = await runtime.nlu.understand("namaste")
        unsure = await runtime.nlu.understand("zxq blorp")
        still_unsure = await runtime.nlu.understand("qqq www")
    finally:
        await runtime.close()
    assert sure.intent == "greeting" and "namaste" not in seen, "a confident local answer asks nobody"
    assert (unsure.intent, unsure.confidence) == ("balance", 0.93)
    assert still_unsure.intent == "out_of_scope", "a backend that is unsure too changes nothing"
    assert seen == ["zxq blorp", "qqq www"]


async def test_a_backend_that_fails_leaves_the_local_answer(aiohttp_server) -> None:
    config = make_config()
    config = dataclasses.replace(config, nlu=dataclasses.replace(config.nlu, backend="rasa",
                                                                 rasa_url="http://127.0.0.1:9"))
    runtime = await start_runtime(config, clock=FakeClock(), pool_size=3, nlu_check_every=0)
    try:
        parse = await runtime.nlu.understand("zxq blorp")
    finally:
        await runtime.close()
    assert parse.intent == "out_of_scope"
