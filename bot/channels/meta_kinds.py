"""The Cloud API message kinds beyond text, taps, media and locations, as InboundMessages whose
`extra["Kind"]` names the kind, so each gets an answer (handlers/message_kinds.py):

    order        a cart sent from the WhatsApp catalogue: `CatalogId`, `OrderItems` [{"sku", "quantity"}]
                 (the cart's prices are dropped here: our engine prices the draft)
    reaction     `ReactedTo` (the wamid) and `Emoji` ("" when a reaction is taken back)
    sticker, contacts, unsupported, revoke (a deleted message: `Deleted`, the wamid)
    edit         the edited message itself, parsed like any other, with `Edits` (the original's wamid)

System notices, flow completions and interactive messages Meta could not read stay ignored (None).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.channels.base import InboundMessage, storable

MAX_ORDER_ITEMS = 100  # a WhatsApp cart holds at most 99 products
HELPED = ("sticker", "contacts", "unsupported")


def other_kind(raw: dict[str, Any], base: dict[str, Any], extra: dict[str, Any], body: dict[str, Any],
               parse: Callable[[dict[str, Any]], InboundMessage | None]) -> InboundMessage | None:
    """The message of kind `raw["type"]`, or None when Khaacho does not act on that kind."""
    kind = raw.get("type")
    if kind == "order":
        return InboundMessage(**base, text=str(body.get("text") or ""), extra={
            **extra, "Kind": "order", "CatalogId": str(body.get("catalog_id") or ""),
            "OrderItems": order_items(body.get("product_items"))})
    if kind == "reaction":
        return InboundMessage(**base, extra={**extra, "Kind": "reaction", "ReactedTo": str(body.get("message_id", "")),
                                             "Emoji": str(body.get("emoji") or "")})
    if kind == "revoke":
        return InboundMessage(**base, extra={**extra, "Kind": "revoke",
                                             "Deleted": str(body.get("original_message_id", ""))})
    if kind in HELPED:
        return InboundMessage(**base, extra={**extra, "Kind": kind})
    if kind == "edit":
        inner = body.get("message")
        original = body.get("original_message_id")
        if not isinstance(inner, dict) or not isinstance(original, str) or not original:
            return None
        edited = parse({**inner, "id": raw["id"], "from": raw["from"]})
        if edited is None:
            return None
        return InboundMessage(provider=edited.provider, provider_id=edited.provider_id, phone=edited.phone,
                              text=edited.text, media=edited.media, profile_name=edited.profile_name,
                              button_payload=edited.button_payload, extra={**edited.extra, "Edits": original})
    return None


def order_items(raw: Any) -> list[dict[str, Any]]:
    """[{"sku", "quantity"}] of a cart's product items; items without a retailer id are dropped and a
    quantity that is not a whole number is kept as text (the handler answers it)."""
    items: list[dict[str, Any]] = []
    for item in (raw if isinstance(raw, list) else [])[:MAX_ORDER_ITEMS]:
        if not isinstance(item, dict) or not item.get("product_retailer_id"):
            continue
        quantity = item.get("quantity")
        items.append({"sku": storable(str(item["product_retailer_id"]))[:100],
                      "quantity": quantity if isinstance(quantity, int) and not isinstance(quantity, bool)
                      else storable(str(quantity))[:20]})
    return items
