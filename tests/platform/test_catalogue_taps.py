"""Issue 16's "done when": a Cloud API conversation from a catalogue cart to a delivered order by
taps alone (signed webhooks in, a Graph API stub that refuses what WhatsApp refuses), a shared
location confirmed by a tap on both providers, and every other kind of message answered."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import itertools
from typing import Any

from bot.appkeys import RUNTIME
from tests.platform.test_meta_channel import (  # noqa: F401
    RAM,
    app_client,
    count,
    graph,
    meta_config,
    post,
    text_webhook,
)
from tests.platform.test_meta_interactive import SITA, tap, with_catalogue_and_vendor
from tests.support.app_harness import serving

_wamids = itertools.count(1)


def message_webhook(phone: str, kind: str, body: Any, wamid: str | None = None) -> dict[str, Any]:
    """A message of `kind` with its `body` object, as the Cloud API posts it."""
    payload = copy.deepcopy(text_webhook(phone, ""))
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    del message["text"]
    message.update({"type": kind, kind: body, "id": wamid or f"wamid.KIND{next(_wamids):08d}"})
    return payload


def cart_webhook(phone: str, items: list[tuple[str, int, float]]) -> dict[str, Any]:
    """A cart from the WhatsApp catalogue: (retailer id, quantity, the catalogue's price)."""
    return message_webhook(phone, "order", {"catalog_id": "354160437058781", "text": "", "product_items": [
        {"product_retailer_id": sku, "quantity": q, "item_price": price, "currency": "NPR"}
        for sku, q, price in items]})


def shown_text(sent: dict[str, Any]) -> str:
    return (sent.get("text") or {}).get("body") or sent["interactive"]["body"]["text"]


async def next_to(graph: Any, phone: str, after: int) -> dict[str, Any]:  # noqa: F811
    """The first message the stub got for `phone` after the first `after` messages, waiting for it."""
    for _ in range(200):
        found = [m for m in graph.messages[after:] if m["to"] == phone.lstrip("+")]
        if found:
            return found[0]
        await asyncio.sleep(0.05)
    raise TimeoutError(f"nothing for {phone} after message {after}: {graph.messages[after:]}")


async def test_a_catalogue_cart_goes_to_delivered_by_taps_alone(app_client, graph) -> None:  # noqa: F811
    await with_catalogue_and_vendor(app_client)
    # the cart's prices (1 rupee) are not ours: the draft is priced by the engine
    await post(app_client, cart_webhook(RAM, [("SUGAR-LOOSE", 2, 1.0), ("WAIWAI-CHK-PKT", 5, 1.0),
                                              ("NOT-OURS", 1, 1.0)]))
    await graph.wait_for(2)
    unknown, draft = graph.messages[0], graph.messages[1]
    assert "NOT-OURS" in shown_text(unknown)
    assert draft["type"] == "interactive" and "Sugar (loose): 2 kg × Rs 113.40" in shown_text(draft)
    assert "Total: Rs 335.80" in shown_text(draft)
    seen = len(graph.messages)
    assert (await post(app_client, tap(draft, "Confirm"))).status == 200
    offer = await next_to(graph, SITA, seen)
    seen = len(graph.messages)
    await post(app_client, tap(offer, "Accept"))
    accepted = await next_to(graph, SITA, seen)
    seen = len(graph.messages)
    await post(app_client, tap(accepted, "Dispatched"))
    dispatched = await next_to(graph, SITA, seen)
    seen = len(graph.messages)
    await post(app_client, tap(dispatched, "Delivered"))
    await next_to(graph, SITA, seen)
    await graph.wait_for(seen + 2)
    assert any("Order #1001 was delivered by Sita Traders" in shown_text(m) for m in graph.messages
               if m["to"] == RAM.lstrip("+"))
    async with app_client.app[RUNTIME].pool.acquire() as conn:
        assert await conn.fetchval("SELECT status FROM orders WHERE id = 1001") == "DELIVERED"
        assert str(await conn.fetchval("SELECT total FROM orders WHERE id = 1001")) == "335.80"
        typed = await conn.fetchval("SELECT count(*) FROM inbound_messages WHERE body <> ''"
                                    " AND payload->>'button_payload' IS NULL")
    assert typed == 0 and graph.rejected == []


async def test_a_shared_location_is_stored_after_the_yes_tap(app_client, graph) -> None:  # noqa: F811
    await post(app_client, message_webhook(RAM, "location", {"latitude": 27.6841, "longitude": 83.4323,
                                                              "name": "Ram Kirana"}))
    await graph.wait_for(1)
    question = graph.messages[0]
    assert "Use this as your shop location?" in shown_text(question)
    await post(app_client, tap(question, "Yes"))
    await graph.wait_for(2)
    assert "Saved" in shown_text(graph.messages[1])
    async with app_client.app[RUNTIME].pool.acquire() as conn:
        row = await conn.fetchrow("SELECT lat, lon FROM retailers r JOIN users u ON u.id = r.user_id"
                                  " WHERE u.phone = $1", RAM)
    assert (row["lat"], row["lon"]) == (27.6841, 83.4323) and graph.rejected == []


async def test_reactions_are_kept_quietly_and_other_kinds_get_a_help_line(app_client, graph) -> None:  # noqa: F811
    await post(app_client, message_webhook(RAM, "reaction", {"message_id": "wamid.OURS", "emoji": "👍"}))
    for kind in ("sticker", "unsupported"):
        body = {"mime_type": "image/webp", "id": "55"} if kind == "sticker" else {"type": "pool"}
        await post(app_client, message_webhook(RAM, kind, body))
    await post(app_client, message_webhook(RAM, "revoke", {"original_message_id": "wamid.GONE"}))
    await graph.wait_for(3)
    await asyncio.sleep(0.3)
    assert len(graph.messages) == 3  # nothing for the reaction
    assert all("I read text, photos of a list and voice notes" in shown_text(m) for m in graph.messages)
    assert await count(app_client, "SELECT count(*) FROM inbound_messages WHERE payload->>'Emoji' = '👍'") == 1
    assert await count(app_client, "SELECT count(*) FROM inbound_messages WHERE status <> 'done'") == 0


async def test_an_edit_counts_only_while_its_original_was_not_handled(app_client, graph) -> None:  # noqa: F811
    await with_catalogue_and_vendor(app_client)
    await post(app_client, text_webhook(RAM, "namaste", wamid="wamid.ORIGINAL"))
    await graph.wait_for(1)
    edit = {"original_message_id": "wamid.ORIGINAL", "message": {"type": "text", "text": {"body": "2 kg chini"}}}
    await post(app_client, message_webhook(RAM, "edit", edit))
    await graph.wait_for(2)
    assert "the edit changes nothing" in shown_text(graph.messages[1])
    # an edit whose original never arrived (or is not handled yet) is the message itself, and the
    # original is not handled when it comes late
    late = {"original_message_id": "wamid.LATE", "message": {"type": "text", "text": {"body": "2 kg chini"}}}
    await post(app_client, message_webhook(RAM, "edit", late))
    await graph.wait_for(3)
    assert "Sugar (loose): 2 kg" in shown_text(graph.messages[2])
    await post(app_client, text_webhook(RAM, "5 packet wai wai", wamid="wamid.LATE"))
    await asyncio.sleep(0.5)
    assert len(graph.messages) == 3  # the late original changed nothing
    async with app_client.app[RUNTIME].pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM order_items WHERE order_id = 1001") == 1


async def test_show_me_answers_with_catalogue_products_when_one_is_connected(aiohttp_client, graph) -> None:  # noqa: F811
    config = meta_config(graph.base_url)
    channels = dataclasses.replace(config.channels, meta=dataclasses.replace(config.channels.meta,
                                                                             catalog_id="354160437058781"))
    async with serving(aiohttp_client, dataclasses.replace(config, channels=channels), (RAM, "Ram Kirana")) as client:
        await with_catalogue_and_vendor(client)
        await post(client, text_webhook(RAM, "show me biscuits"))
        await post(client, text_webhook(RAM, "rara ko variety dekhau"))
        await graph.wait_for(2)
    biscuits, rara = (m["interactive"] for m in graph.messages)
    assert biscuits["type"] == "product_list" and biscuits["action"]["catalog_id"] == "354160437058781"
    assert "Parle-G Biscuit 80 g packet: Rs 10.80/packet" in biscuits["body"]["text"]
    skus = [i["product_retailer_id"] for s in biscuits["action"]["sections"] for i in s["product_items"]]
    assert {"BISC-PARLEG-PKT", "BISC-PARLEG-BOX"} <= set(skus)
    assert {i["product_retailer_id"] for s in rara["action"]["sections"] for i in s["product_items"]} == {
        "RARA-PKT", "RARA-CTN"}
    assert graph.rejected == []


def test_one_product_is_a_single_product_message_and_twilio_gets_the_text() -> None:
    from bot.channels.base import OutboundMessage
    from bot.channels.meta_sender import build_payload
    from domain.catalog import Listing
    from services.choices import catalogue_products
    from tests.support.graph_stub import _problems

    one = catalogue_products("42", "Tap a product", [Listing("RARA-PKT", "Rara Noodles 70 g packet", "packet",
                                                             "noodles")])
    body = build_payload(OutboundMessage(RAM, "Rara: Rs 21.80/packet", interactive=one))
    assert body["interactive"] == {"type": "product", "body": {"text": "Rara: Rs 21.80/packet"},
                                   "action": {"catalog_id": "42", "product_retailer_id": "RARA-PKT"}}
    assert _problems(body) == []
    broken = {**body, "interactive": {**body["interactive"], "action": {"catalog_id": "42"}}}
    assert _problems(broken)
