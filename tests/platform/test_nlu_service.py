"""Our Rasa-compatible /model/parse, and the optional backend asked only when the local NLU is unsure."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from aiohttp import web

from bot.replay import reset_database
from bot.runtime import start_runtime
from storage.clock import FakeClock
from tests.conftest import make_config
from tests.support.app_harness import serving


@pytest.fixture
async def client(aiohttp_client, stub):  # type: ignore[no-untyped-def]
    config = make_config(TWILIO_API_BASE_URL=stub.base_url)
    async with serving(aiohttp_client, config, ("+9779800000001", "Ram Kirana")) as app_client:
        from bot.commands.catalog import import_catalog
        from bot.commands.seed import DEMO_CATALOG

        await import_catalog(DEMO_CATALOG, config.secrets.database_url or "", progress=False)
        yield app_client


async def test_model_parse_answers_like_a_rasa_server(client) -> None:  # type: ignore[no-untyped-def]
    from bot.appkeys import RUNTIME

    await client.app[RUNTIME].nlu.refresh(client.app[RUNTIME].pool, force=True)
    response = await client.post("/model/parse", json={"text": "2 kg chini ra 5 packet wai wai"})
    assert response.status == 200
    body = await response.json()
    assert body["text"] == "2 kg chini ra 5 packet wai wai"
    assert body["intent"]["name"] == "order" and 0 < body["intent"]["confidence"] <= 1
    assert body["intent_ranking"][0]["name"] == "order" and len(body["intent_ranking"]) > 1
    products = [(e["value"], e["quantity"], e["unit"]) for e in body["entities"] if e["entity"] == "product"]
    assert products == [("SUGAR-LOOSE", 2.0, "kg"), ("WAIWAI-CHK-PKT", 5.0, "packet")]


@pytest.mark.parametrize("payload", [b"not json", b'{"txt": "x"}', b'{"text": 5}', b'["text"]'])
async def test_model_parse_refuses_bad_bodies(client, payload: bytes) -> None:  # type: ignore[no-untyped-def]
    response = await client.post("/model/parse", data=payload, headers={"Content-Type": "application/json"})
    assert response.status == 400


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
