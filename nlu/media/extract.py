"""LLM extraction for messy OCR or transcription output: structured items, then the item parser.

The model is asked for JSON that matches a schema (product as the shop owner wrote it, or the closest
catalogue name; quantity; unit). The answer is checked here; the items become plain lines such as
"2 kg Sugar (loose)" that the ordinary item parser resolves against the catalogue, so an LLM can
never order a product the catalogue does not have.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from domain.catalog import Product

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["items"],
    "properties": {"items": {"type": "array", "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["product", "quantity", "unit"],
        "properties": {
            "product": {"type": "string"},
            "quantity": {"type": "number"},
            "unit": {"type": "string"},
        },
    }}},
}
SYSTEM = (
    "You read grocery wholesale orders from Nepal and India that came from a photo (OCR) or a voice note "
    "(speech recognition), so words may be misspelt or misheard. List each ordered item with its quantity "
    "and unit (kg, g, l, ml, packet, bottle, can, box, crate, carton, sack, dozen, jar, piece, pouch; empty "
    "when none is given). Use the catalogue name when the item clearly is one of these products: {catalogue}. "
    "Ignore lines that are not items (shop names, dates, totals). Answer with JSON only."
)


class ExtractionError(ValueError):
    """The model's answer was not the JSON asked for."""


@dataclass(frozen=True)
class ExtractedItem:
    product: str
    quantity: float
    unit: str = ""

    def as_line(self) -> str:
        return " ".join(p for p in (f"{self.quantity:g}", self.unit.strip(), self.product.strip()) if p)


def parse_items(content: str) -> list[ExtractedItem]:
    try:
        data = json.loads(content)
    except (TypeError, json.JSONDecodeError) as exc:
        raise ExtractionError(f"not JSON: {content!r:.200}") from exc
    rows = data.get("items") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise ExtractionError("no `items` list")
    items = []
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("product"), str):
            continue
        quantity = row.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int | float) or not math.isfinite(quantity):
            continue
        if quantity <= 0 or not row["product"].strip():
            continue
        items.append(ExtractedItem(row["product"].strip()[:80], float(quantity), str(row.get("unit") or "")[:20]))
    return items


class LlmExtractor:
    """Chat Completions with a JSON schema; `client` is an openai.AsyncOpenAI."""

    def __init__(self, client: Any, model: str = "gpt-4o-mini", products: Iterable[Product] = (),
                 max_catalogue_names: int = 200) -> None:
        self.client = client
        self.model = model
        names = list(dict.fromkeys(p.name for p in products))[:max_catalogue_names]
        self.system = SYSTEM.format(catalogue="; ".join(names) or "(none given)")

    async def extract(self, text: str) -> list[ExtractedItem]:
        response = await self.client.chat.completions.create(
            model=self.model, temperature=0,
            messages=[{"role": "system", "content": self.system}, {"role": "user", "content": text[:4000]}],
            response_format={"type": "json_schema",
                             "json_schema": {"name": "order_items", "strict": True, "schema": SCHEMA}},
        )
        return parse_items(response.choices[0].message.content or "")
