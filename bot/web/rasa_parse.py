"""POST /model/parse: our NLU answering in the shape of a Rasa server, so Rasa tooling can call it."""

from __future__ import annotations

import json

from aiohttp import web

from bot.appkeys import RUNTIME
from nlu.rasa_compat import to_rasa_parse_response

MAX_TEXT = 4096


async def model_parse(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise web.HTTPBadRequest(text="expected a JSON body like {\"text\": \"2 kg chini\"}") from exc
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise web.HTTPBadRequest(text=f"\"text\" must be a string of at most {MAX_TEXT} characters")
    nlu = request.app[RUNTIME].nlu
    parse = nlu.parse(text)
    classifier = nlu.pipeline.classifier
    ranking = classifier.ranking(text)[:10] if classifier is not None else []
    entities = [{"entity": name, "value": value} for name, value in parse.entities.items()]
    entities += [{"entity": "product", "value": item.sku, "text": item.text, "quantity": item.quantity,
                  "unit": item.unit, "confidence_entity": round(item.score / 100, 3)}
                 for item in parse.items if item.sku]
    return web.json_response(to_rasa_parse_response(text, parse.intent, parse.confidence, ranking, entities))
