"""Structured intent and item extraction with an OpenAI-compatible chat completions API."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from nlu.backends import BackendResult

log = logging.getLogger(__name__)

INTENTS = (
    "order", "reorder", "inquiry_price", "inquiry_stock", "browse_category", "order_status", "complaint",
    "payment", "balance", "greeting", "help", "cancel", "affirm", "deny", "language_switch", "out_of_scope",
)

PROMPT = (
    "You read WhatsApp messages that shop owners in Nepal and India send to their grocery wholesaler, "
    "in English, Roman Nepali, Roman Hindi, Devanagari or a mix, often with typos. Give the intent, your "
    "confidence from 0 to 1, and each product the message asks for with its quantity and unit as "
    "written (null when not given). Only products for order, reorder and inquiries."
)


def schema(intents: Sequence[str]) -> dict[str, Any]:
    item = {
        "type": "object",
        "properties": {
            "product": {"type": "string"},
            "quantity": {"type": ["number", "null"]},
            "unit": {"type": ["string", "null"]},
        },
        "required": ["product", "quantity", "unit"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {
            "intent": {"type": "string", "enum": list(intents)},
            "confidence": {"type": "number"},
            "items": {"type": "array", "items": item},
        },
        "required": ["intent", "confidence", "items"],
        "additionalProperties": False,
    }


class OpenAIBackend:
    def __init__(self, *, api_key: str, base_url: str | None = None, model: str = "gpt-4o-mini",
                 timeout: float = 8.0, intents: Sequence[str] = INTENTS, client: Any = None) -> None:
        if client is None:
            from openai import AsyncOpenAI

            client = AsyncOpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0)
        self.client = client
        self.model = model
        self.intents = tuple(intents)
        self.response_format = {
            "type": "json_schema",
            "json_schema": {"name": "message_parse", "strict": True, "schema": schema(self.intents)},
        }

    async def parse(self, text: str) -> BackendResult | None:
        try:
            completion = await self.client.chat.completions.create(
                model=self.model,
                temperature=0,
                messages=[{"role": "system", "content": PROMPT}, {"role": "user", "content": text}],
                response_format=self.response_format,
            )
            return self.read(completion.choices[0].message.content)
        except Exception as exc:  # any failure means "no answer", never an error for the caller
            log.warning("openai backend failed: %s: %s", type(exc).__name__, exc)
            return None

    def read(self, content: str | None) -> BackendResult:
        """Validate the model's JSON; ValueError when it breaks the schema."""
        body = json.loads(content or "")
        intent = body.get("intent")
        if intent not in self.intents:
            raise ValueError(f"unknown intent {intent!r}")
        confidence = min(max(float(body.get("confidence", 0.0)), 0.0), 1.0)
        items = []
        for raw in body.get("items") or []:
            if not isinstance(raw, dict) or not isinstance(raw.get("product"), str):
                raise ValueError(f"bad item {raw!r}")
            qty = raw.get("quantity")
            items.append({"product": raw["product"], "quantity": None if qty is None else float(qty),
                          "unit": raw.get("unit")})
        return intent, confidence, items

    async def close(self) -> None:
        await self.client.close()
