"""Buttons and lists on the Cloud API: sent as `interactive` bodies the Graph stub checks against
WhatsApp's limits, tapped back as signed `button_reply` / `list_reply` webhooks."""

from __future__ import annotations

import copy
import itertools
from datetime import timedelta
from typing import Any

from bot.appkeys import RUNTIME
from bot.channels.base import OutboundMessage
from bot.channels.meta_sender import build_payload
from bot.commands.catalog import import_catalog
from bot.commands.seed import DEMO_CATALOG
from domain.interactive import Interactive, ListRow, ListSection, buttons, say
from storage.repos.users import UserRepository
from tests.platform.test_meta_channel import RAM, app_client, graph, post, text_webhook  # noqa: F401
from tests.support.graph_stub import _problems

SITA = "+9779800000101"
_wamids = itertools.count(1)


def tap_webhook(phone: str, kind: str, reply_id: str, title: str) -> dict[str, Any]:
    """A tap on a button (`button_reply`) or list row (`list_reply`), as the Cloud API posts it."""
    payload = copy.deepcopy(text_webhook(phone, ""))
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    del message["text"]
    message.update(type="interactive", id=f"wamid.TAP{next(_wamids):08d}",
                   interactive={"type": kind, kind: {"id": reply_id, "title": title}})
    return payload


def test_buttons_and_lists_build_bodies_the_cloud_api_accepts() -> None:
    shown = buttons((say("YES"), "Confirm"), (say("NO"), "Cancel"))
    body = build_payload(OutboundMessage(RAM, "Your draft", interactive=shown))
    assert _problems(body) == []
    assert body["interactive"]["action"]["buttons"][1] == {"type": "reply",
                                                           "reply": {"id": "say:NO", "title": "Cancel"}}
    rows = tuple(ListRow(f"say:{n}", "x" * 24, "d" * 72) for n in range(1, 11))
    listed = Interactive("list", sections=(ListSection("Coke", rows),), button_label="Choose")
    body = build_payload(OutboundMessage(RAM, "Which coke?", interactive=listed))
    assert _problems(body) == [] and body["interactive"]["type"] == "list"
    assert len(body["interactive"]["action"]["sections"][0]["rows"]) == 10


def test_a_body_over_the_button_limit_goes_as_numbered_text() -> None:
    shown = buttons((say("YES"), "Confirm"), (say("NO"), "Cancel"))
    body = build_payload(OutboundMessage(RAM, "line\n" * 300, interactive=shown))
    assert body["type"] == "text" and body["text"]["body"].endswith("1) Confirm\n2) Cancel")
    assert _problems(body) == []


def test_the_stub_refuses_what_whatsapp_refuses() -> None:
    base = build_payload(OutboundMessage(RAM, "Your draft", interactive=buttons((say("YES"), "Confirm"))))
    long_title = copy.deepcopy(base)
    long_title["interactive"]["action"]["buttons"][0]["reply"]["title"] = "t" * 21
    four = copy.deepcopy(base)
    four["interactive"]["action"]["buttons"] = [{"type": "reply", "reply": {"id": str(i), "title": "t"}}
                                                for i in range(4)]
    assert _problems(long_title) and _problems(four)


async def with_catalogue_and_vendor(client: Any) -> None:
    runtime = client.app[RUNTIME]
    await import_catalog(DEMO_CATALOG, runtime.config.secrets.database_url or "", progress=False)
    async with runtime.pool.acquire() as conn:
        await UserRepository(conn).add_vendor(SITA, "Sita Traders")
        # the vendor wrote to us a minute ago, so its offers may carry buttons (WhatsApp's 24-hour window)
        await conn.execute("INSERT INTO inbound_messages (provider, provider_id, phone, status, received_at)"
                           " VALUES ($1, 'earlier', $2, 'done', $3)", runtime.config.channels.outbound, SITA,
                           runtime.clock.now() - timedelta(minutes=1))
    await runtime.nlu.refresh(runtime.pool, force=True)


def tap(sent: dict[str, Any], title: str) -> dict[str, Any]:
    """The webhook of the recipient tapping the button titled `title` under a sent message."""
    shown = sent["interactive"]
    assert shown["type"] == "button", sent
    (reply,) = [b["reply"] for b in shown["action"]["buttons"] if b["reply"]["title"] == title]
    return tap_webhook("+" + sent["to"], "button_reply", reply["id"], reply["title"])


async def test_an_order_goes_from_draft_to_delivered_by_taps_alone(app_client, graph) -> None:  # noqa: F811
    await with_catalogue_and_vendor(app_client)
    await post(app_client, text_webhook(RAM, "5 packet wai wai"))
    await graph.wait_for(1)
    assert (await post(app_client, tap(graph.messages[0], "Confirm"))).status == 200
    await graph.wait_for(3)  # the retailer's confirmation and the vendor's offer
    offer = next(m for m in graph.messages[1:] if m["to"] == SITA.lstrip("+"))
    await post(app_client, tap(offer, "Accept"))
    await graph.wait_for(5)
    accepted = next(m for m in graph.messages[3:] if m["to"] == SITA.lstrip("+"))
    await post(app_client, tap(accepted, "Dispatched"))
    await graph.wait_for(7)
    dispatched = next(m for m in graph.messages[5:] if m["to"] == SITA.lstrip("+"))
    await post(app_client, tap(dispatched, "Delivered"))
    await graph.wait_for(9)
    to_ram = [m for m in graph.messages if m["to"] == RAM.lstrip("+")]
    bodies = [(m.get("text") or {}).get("body") or m["interactive"]["body"]["text"] for m in to_ram]
    assert any("Order #1001 confirmed" in b for b in bodies)
    assert any("Order #1001 was delivered by Sita Traders" in b for b in bodies)
    async with app_client.app[RUNTIME].pool.acquire() as conn:
        assert await conn.fetchval("SELECT status FROM orders WHERE id = 1001") == "DELIVERED"
        taps = await conn.fetchval(
            "SELECT count(*) FROM inbound_messages WHERE payload->>'button_payload' LIKE 'say:%'")
    assert taps == 4 and graph.rejected == []
