"""POST /model/parse: our NLU answering in the shape of a Rasa server, so Rasa tooling can call it.

It needs an ops API key (`Authorization: Bearer …`) unless `web.model_parse_open` is set. Parsing is
CPU-heavy, so it runs in a small thread pool off the event loop (webhooks keep being answered), the
body is bounded, and when too many parses wait the caller is told to come back (429).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiohttp import web

from bot.appkeys import CONFIG, RUNTIME
from bot.channels.base import storable
from bot.web.api.auth import authenticated
from bot.web.api.params import BadParam, parse_json
from nlu.rasa_compat import to_rasa_parse_response

MAX_TEXT = 4096
MAX_BODY = 32 * 1024        # a 4,096-character text, JSON-escaped, fits
MAX_WAITING = 16            # parses queued or running before new ones get 429
_POOL = web.AppKey("model_parse_pool", ThreadPoolExecutor)
_SLOTS = web.AppKey("model_parse_slots", asyncio.Semaphore)


async def _read_bounded(request: web.Request) -> bytes:
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=request.content_length)
    body = await request.content.read(MAX_BODY + 1)
    while len(body) <= MAX_BODY and not request.content.at_eof():
        chunk = await request.content.read(MAX_BODY + 1 - len(body))
        if not chunk:
            break
        body += chunk
    if len(body) > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=len(body))
    return body


def _text_of(body: bytes) -> str:
    try:
        payload = parse_json(body)
    except BadParam as exc:
        raise web.HTTPBadRequest(text="expected a JSON body like {\"text\": \"2 kg chini\"}") from exc
    text = payload.get("text") if isinstance(payload, dict) else None
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise web.HTTPBadRequest(text=f"\"text\" must be a string of at most {MAX_TEXT} characters")
    return storable(text)  # JSON escapes can carry lone surrogates; the NLU takes UTF-8 text


def _answer(nlu: Any, text: str) -> dict[str, Any]:
    """The Rasa-shaped parse of `text` (runs in the thread pool)."""
    parse = nlu.parse(text)
    classifier = nlu.pipeline.classifier
    ranking = classifier.ranking(text)[:10] if classifier is not None else []
    entities = [{"entity": name, "value": value} for name, value in parse.entities.items()]
    entities += [{"entity": "product", "value": item.sku, "text": item.text, "quantity": item.quantity,
                  "unit": item.unit, "confidence_entity": round(item.score / 100, 3)}
                 for item in parse.items if item.sku]
    return to_rasa_parse_response(text, parse.intent, parse.confidence, ranking, entities)


async def _parse(request: web.Request) -> web.Response:
    text = _text_of(await _read_bounded(request))
    slots = request.app[_SLOTS]
    if slots.locked():
        return web.json_response({"error": "busy: try again shortly"}, status=429, headers={"Retry-After": "1"})
    async with slots:
        loop = asyncio.get_running_loop()
        answer = await loop.run_in_executor(request.app[_POOL], _answer, request.app[RUNTIME].nlu, text)
    return web.json_response(answer)


_guarded = authenticated(_parse)


async def model_parse(request: web.Request) -> web.StreamResponse:
    if request.app[CONFIG].web.model_parse_open:
        return await _parse(request)
    return await _guarded(request)


async def _pool_ctx(app: web.Application) -> Any:
    app[_POOL] = ThreadPoolExecutor(max_workers=2, thread_name_prefix="model-parse")
    app[_SLOTS] = asyncio.Semaphore(MAX_WAITING)
    yield
    app[_POOL].shutdown(wait=True, cancel_futures=True)


def add_routes(app: web.Application) -> None:
    app.cleanup_ctx.append(_pool_ctx)
    app.router.add_post("/model/parse", model_parse)
