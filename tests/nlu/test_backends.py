"""Backends against local HTTP stubs that check what they receive."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from aiohttp import web

from nlu.backends import make_backend
from nlu.backends.openai_backend import INTENTS, OpenAIBackend
from nlu.backends.rasa_backend import RasaBackend
from nlu.rasa_compat import to_rasa_parse_response

RASA_REPLY = {
    "text": "2 kg chini",
    "intent": {"name": "order", "confidence": 0.93},
    "entities": [{"entity": "product", "value": "sugar", "start": 5, "end": 10, "extractor": "DIETClassifier"}],
    "intent_ranking": [{"name": "order", "confidence": 0.93}],
}


def stub_app(path: str, reply, seen: list, status: int = 200, delay: float = 0.0) -> web.Application:
    async def handler(request: web.Request) -> web.Response:
        seen.append({"headers": dict(request.headers), "query": dict(request.query),
                     "body": await request.json()})
        await asyncio.sleep(delay)
        if isinstance(reply, str):
            return web.Response(text=reply, status=status, content_type="application/json")
        return web.json_response(reply, status=status)

    app = web.Application()
    app.router.add_post(path, handler)
    return app


async def test_rasa_backend_posts_text_and_reads_intent(aiohttp_server):
    seen: list = []
    server = await aiohttp_server(stub_app("/model/parse", RASA_REPLY, seen))
    backend = RasaBackend(str(server.make_url("/")), token="t0k")
    try:
        result = await backend.parse("2 kg chini")
    finally:
        await backend.close()
    assert seen == [{"headers": seen[0]["headers"], "query": {"token": "t0k"}, "body": {"text": "2 kg chini"}}]
    assert result == ("order", 0.93, [{"entity": "product", "value": "sugar", "start": 5, "end": 10}])


@pytest.mark.parametrize(
    ("reply", "status", "delay"),
    [
        ({"error": "boom"}, 500, 0.0),
        ({"entities": []}, 200, 0.0),  # no intent
        ("not json", 200, 0.0),
        (RASA_REPLY, 200, 1.0),  # slower than the timeout
    ],
)
async def test_rasa_backend_failures_give_none(aiohttp_server, caplog, reply, status, delay):
    seen: list = []
    server = await aiohttp_server(stub_app("/model/parse", reply, seen, status, delay))
    backend = RasaBackend(str(server.make_url("")), timeout=0.2)
    with caplog.at_level(logging.WARNING, logger="nlu.backends.rasa_backend"):
        assert await backend.parse("hello") is None
    await backend.close()
    assert len(seen) == 1
    assert "rasa backend failed" in caplog.text


async def test_rasa_backend_unreachable_gives_none():
    backend = RasaBackend("http://127.0.0.1:9", timeout=0.5)
    assert await backend.parse("hello") is None
    await backend.close()


def completion(content: str) -> dict:
    return {
        "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "test-model",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
    }


GOOD = json.dumps({"intent": "order", "confidence": 0.8,
                   "items": [{"product": "chini", "quantity": 2, "unit": "kg"},
                             {"product": "coke", "quantity": None, "unit": None}]})


async def test_openai_backend_sends_schema_and_reads_items(aiohttp_server):
    seen: list = []
    server = await aiohttp_server(stub_app("/v1/chat/completions", completion(GOOD), seen))
    backend = OpenAIBackend(api_key="sk-test", base_url=str(server.make_url("/v1")), model="test-model")
    try:
        result = await backend.parse("2 kg chini ra coke")
    finally:
        await backend.close()
    assert result == ("order", 0.8, [{"product": "chini", "quantity": 2.0, "unit": "kg"},
                                     {"product": "coke", "quantity": None, "unit": None}])
    (request,) = seen
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    body = request["body"]
    assert body["model"] == "test-model"
    assert body["messages"][-1] == {"role": "user", "content": "2 kg chini ra coke"}
    assert body["response_format"]["type"] == "json_schema"
    spec = body["response_format"]["json_schema"]
    assert spec["strict"] is True
    assert spec["schema"]["properties"]["intent"]["enum"] == list(INTENTS)


@pytest.mark.parametrize(
    ("reply", "status", "delay"),
    [
        (completion(json.dumps({"intent": "buy_car", "confidence": 0.9, "items": []})), 200, 0.0),
        (completion("{not json"), 200, 0.0),
        (completion(json.dumps({"intent": "order", "confidence": 1, "items": [{"qty": 2}]})), 200, 0.0),
        ({"error": {"message": "bad key", "type": "auth"}}, 401, 0.0),
        (completion(GOOD), 200, 1.0),  # slower than the timeout
    ],
)
async def test_openai_backend_failures_give_none(aiohttp_server, caplog, reply, status, delay):
    seen: list = []
    server = await aiohttp_server(stub_app("/v1/chat/completions", reply, seen, status, delay))
    backend = OpenAIBackend(api_key="sk-test", base_url=str(server.make_url("/v1")), timeout=0.3)
    with caplog.at_level(logging.WARNING, logger="nlu.backends.openai_backend"):
        assert await backend.parse("hello") is None
    await backend.close()
    assert len(seen) == 1  # no retries
    assert "openai backend failed" in caplog.text


def test_make_backend_from_config():
    assert make_backend("local") is None
    assert isinstance(make_backend("rasa", rasa_url="http://rasa:5005"), RasaBackend)
    assert isinstance(make_backend("openai", openai_api_key="sk-x", openai_base_url="http://x/v1"), OpenAIBackend)
    with pytest.raises(ValueError, match="API key"):
        make_backend("openai")
    with pytest.raises(ValueError, match="unknown"):
        make_backend("dialogflow")


def test_rasa_parse_response_shape():
    out = to_rasa_parse_response(
        "2 kg chini", "order", 0.9, [("greeting", 0.02), ("order", 0.9), ("reorder", 0.08)],
        [{"entity": "product", "value": "SUGAR-LOOSE", "start": 5, "end": 10}],
    )
    assert out["text"] == "2 kg chini"
    assert out["intent"] == {"name": "order", "confidence": 0.9}
    assert [r["name"] for r in out["intent_ranking"]] == ["order", "reorder", "greeting"]
    assert out["entities"] == [{"entity": "product", "value": "SUGAR-LOOSE", "start": 5, "end": 10,
                                "extractor": "khaacho"}]
    assert out["text_tokens"] == [[0, 1], [2, 4], [5, 10]]
    assert to_rasa_parse_response("hi", "greeting", 0.7)["intent_ranking"] == [
        {"name": "greeting", "confidence": 0.7}]
