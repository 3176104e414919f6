"""WhatsApp's 24-hour window on both providers, end to end against stubs that keep to it.

Signed webhooks open the window, notifications are queued as the services queue them, and the
worker's outbox sends through the real Twilio or Cloud API sender to a stub that refuses free text
outside the window (63016 / 131047) and a template whose variables do not match (63028 / 132000).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

import pytest

from bot.appkeys import RUNTIME
from bot.channels.base import OutboundMessage, PermanentSendError, WindowClosed
from bot.worker import make_sender
from handlers.admin import views
from storage.notifier import Notifier
from storage.repos.order_views import OrderViews
from tests.conftest import TEST_ENV, make_config
from tests.jobs import seed
from tests.platform.test_meta_channel import graph, meta_config, post, status_webhook, text_webhook  # noqa: F401
from tests.support.app_harness import serving
from tests.support.signing import sign, twilio_form

RAM = "+9779800000001"
TOKEN = TEST_ENV["TWILIO_AUTH_TOKEN"]


@dataclass(frozen=True)
class Sent:
    to: str
    text: str                         # the free text; "" for a template
    template: str | None              # Twilio's Content SID, or "name/language" on the Cloud API
    variables: tuple[str, ...] = ()


class Provider:
    """One provider's app, stub and webhooks, so each test reads the same on both."""

    def __init__(self, name: str, client: Any, stub: Any) -> None:
        self.name, self.client, self.stub = name, client, stub
        self.templates = client.app[RUNTIME].config.templates.messages

    def template_id(self, key: str, language: str = "en") -> str:
        template = self.templates[key]
        translation = template.languages[language]
        return translation.sid if self.name == "twilio" else f"{template.name}/{translation.code}"

    async def customer_writes(self, phone: str, text: str) -> None:
        self.stub.customer_wrote(phone)
        if self.name == "twilio":
            form = twilio_form(phone, text)
            url = "https://bot.example.com/webhooks/twilio"
            response = await self.client.post("/webhooks/twilio", data=form,
                                              headers={"X-Twilio-Signature": sign(TOKEN, url, form)})
        else:
            response = await post(self.client, text_webhook(phone, text))
        assert response.status == 200

    async def status(self, sid: str, state: str, at: int) -> None:
        """A status callback; Meta says when it happened (epoch seconds `at`), Twilio does not."""
        if self.name == "twilio":
            form = {"MessageSid": sid, "MessageStatus": state, "AccountSid": TEST_ENV["TWILIO_ACCOUNT_SID"]}
            url = "https://bot.example.com/webhooks/twilio/status"
            response = await self.client.post("/webhooks/twilio/status", data=form,
                                              headers={"X-Twilio-Signature": sign(TOKEN, url, form)})
        else:
            payload = status_webhook(sid, state)
            payload["entry"][0]["changes"][0]["value"]["statuses"][0]["timestamp"] = str(at)
            response = await post(self.client, payload)
        assert response.status in (200, 204)

    def sent(self) -> list[Sent]:
        if self.name == "twilio":
            return [Sent(m.to.removeprefix("whatsapp:"), m.body if not m.content_sid else "", m.content_sid,
                         tuple((m.content_variables or {}).values())) for m in self.stub.messages]
        found = []
        for m in self.stub.messages:
            if m["type"] == "template":
                t = m["template"]
                values = tuple(p["text"] for c in t.get("components", []) for p in c["parameters"])
                found.append(Sent("+" + m["to"], "", f"{t['name']}/{t['language']['code']}", values))
            else:
                found.append(Sent("+" + m["to"], m.get("text", {}).get("body", ""), None))
        return found

    def sids(self) -> list[str]:
        """The provider ids of the messages the stub took, in the order it took them."""
        return [m.sid if self.name == "twilio" else m["_wamid"] for m in self.stub.messages]

    async def notify(self, phone: str, key: str, **params: Any) -> None:
        """Queue text `key` as the services do (the notifier, in the recipient's language)."""
        runtime = self.client.app[RUNTIME]
        async with runtime.pool.acquire() as conn, conn.transaction():
            await Notifier(conn, runtime.texts, runtime.clock.now()).notify(phone, key, **params)

    async def rows(self) -> list[dict[str, Any]]:
        async with self.client.app[RUNTIME].pool.acquire() as conn:
            return [dict(r) for r in await conn.fetch(
                "SELECT id, body, status, sent_as, last_error FROM outbound_messages ORDER BY id")]

    async def settled(self, count: int) -> list[dict[str, Any]]:
        """The outbox rows once `count` of them have left `queued`/`sending`."""
        for _ in range(250):
            rows = await self.rows()
            if sum(r["status"] not in ("queued", "sending") for r in rows) >= count:
                return rows
            await asyncio.sleep(0.02)
        raise AssertionError(f"outbox rows still open: {await self.rows()}")


@pytest.fixture(params=["twilio", "meta"])
async def provider(request, aiohttp_client, stub, graph):  # type: ignore[no-untyped-def]  # noqa: F811
    if request.param == "twilio":
        config = make_config(TWILIO_API_BASE_URL=stub.base_url, PUBLIC_BASE_URL="https://bot.example.com")
        fake = stub
        for template in config.templates.messages.values():
            for translation in template.languages.values():
                stub.approve(translation.sid, len(template.variables))
    else:
        config, fake = meta_config(graph.base_url), graph
        for template in config.templates.messages.values():
            for translation in template.languages.values():
                graph.approve(template.name, translation.code, len(template.variables))
    fake.track_windows()
    async with serving(aiohttp_client, config, (RAM, "Ram Kirana")) as client:
        yield Provider(request.param, client, fake)


async def test_inside_the_window_a_notice_is_free_text(provider) -> None:
    await provider.customer_writes(RAM, "namaste")
    await provider.stub.wait_for(1)
    await provider.notify(RAM, "order_dispatched", order_id=1001, vendor="Sita Traders")
    await provider.stub.wait_for(2)
    greeting, notice = provider.sent()
    assert greeting.template is None and "Ram Kirana" in greeting.text
    assert notice.template is None and "Order #1001 is on its way from Sita Traders" in notice.text
    assert provider.stub.rejected == []
    assert [r["sent_as"] for r in await provider.settled(2)] == ["text", "text"]


async def test_outside_the_window_the_template_goes_with_its_variables(provider) -> None:
    await provider.notify(RAM, "order_dispatched", order_id=1001, vendor="Sita Traders")
    await provider.stub.wait_for(1)
    (sent,) = provider.sent()
    assert sent == Sent(RAM, "", provider.template_id("order_dispatched"), ("1001", "Sita Traders"))
    assert provider.stub.rejected == [], "no free text was tried first"
    (row,) = await provider.settled(1)
    assert (row["status"], row["sent_as"]) == ("sent", "template")


async def test_outside_the_window_without_a_template_it_waits_for_the_customer(provider) -> None:
    await provider.notify(RAM, "order_accepted", vendor="Sita Traders", order_id=1001, lines="• Sugar: 2 kg",
                          total="226.80")
    await provider.notify(RAM, "order_cancelled_for_you", order_id=1002, reason="out of stock")
    rows = await provider.settled(2)
    assert [r["status"] for r in rows] == ["held", "held"]
    await asyncio.sleep(0.2)
    assert provider.stub.messages == [] and provider.stub.rejected == []
    await provider.customer_writes(RAM, "namaste")
    await provider.stub.wait_for(3)
    accepted, cancelled, greeting = provider.sent()
    assert "Sita Traders accepted order #1001" in accepted.text
    assert "Order #1002 was cancelled" in cancelled.text
    assert "Ram Kirana" in greeting.text, "held messages go first, in order, then the reply"
    assert [r["sent_as"] for r in await provider.settled(3)] == ["text"] * 3


async def test_a_message_held_longer_than_held_for_is_a_dead_letter_not_sent_late(provider) -> None:
    await provider.notify(RAM, "order_accepted", vendor="Sita Traders", order_id=1001, lines="• Sugar: 2 kg",
                          total="226.80")
    await provider.notify(RAM, "order_cancelled_for_you", order_id=1002, reason="out of stock")
    await provider.settled(2)
    held_for = provider.client.app[RUNTIME].config.outbox.held_for
    async with provider.client.app[RUNTIME].pool.acquire() as conn:  # the first was held a week and a minute ago
        await conn.execute("UPDATE outbound_messages SET claimed_at = claimed_at - $1::interval"
                           " WHERE body LIKE '%1001%'", held_for + timedelta(minutes=1))
    await provider.customer_writes(RAM, "namaste")
    await provider.stub.wait_for(2)
    cancelled, greeting = provider.sent()
    assert "Order #1002 was cancelled" in cancelled.text and "Ram Kirana" in greeting.text
    first = (await provider.rows())[0]
    assert first["status"] == "dead" and "held_for" in first["last_error"] and "1001" in first["body"]


async def test_a_refusal_from_the_provider_sends_the_template_or_holds(provider) -> None:
    """Our record says the customer wrote, WhatsApp says the window is closed: WhatsApp wins."""
    runtime = provider.client.app[RUNTIME]
    async with runtime.pool.acquire() as conn:
        await conn.execute("INSERT INTO inbound_messages (provider, provider_id, phone, body, status, received_at)"
                           " VALUES ($1, 'elsewhere', $2, 'hi', 'done', $3)", provider.name, RAM, runtime.clock.now())
    await provider.notify(RAM, "order_dispatched", order_id=1001, vendor="Sita Traders")
    await provider.stub.wait_for(1)
    assert provider.sent() == [Sent(RAM, "", provider.template_id("order_dispatched"), ("1001", "Sita Traders"))]
    (refusal,) = provider.stub.rejected
    assert "outside the 24-hour window" in refusal or refusal.startswith("131047")
    await provider.notify(RAM, "order_cancelled_for_you", order_id=1002, reason="out of stock")
    rows = await provider.settled(2)
    assert [r["status"] for r in rows] == ["sent", "held"] and rows[1]["sent_as"] is None
    assert "63016" in rows[1]["last_error"] or "131047" in rows[1]["last_error"]


async def test_the_stubs_refuse_what_whatsapp_refuses(provider) -> None:
    sender = make_sender(provider.client.app[RUNTIME].config)
    try:
        with pytest.raises(WindowClosed):
            await sender.send(OutboundMessage(RAM, "free text, nobody wrote"))
        template = provider.templates["order_dispatched"]
        wrong = {"name": template.name, "language": "en", "sid": template.languages["en"].sid,
                 "variables": {"1": "1001"}}  # the approved template has two
        with pytest.raises(PermanentSendError) as refused:
            await sender.send(OutboundMessage(RAM, "", template=wrong))
        assert not isinstance(refused.value, WindowClosed)
        assert "63028" in str(refused.value) or "132000" in str(refused.value)
    finally:
        await sender.close()
    assert len(provider.stub.rejected) == 2 and provider.stub.messages == []


async def test_delivered_and_read_appear_in_the_order_view(provider) -> None:
    runtime = provider.client.app[RUNTIME]
    async with runtime.pool.acquire() as conn:
        await seed.product(conn, "SUGAR", "100")
        retailer = await conn.fetchval("SELECT id FROM users WHERE phone = $1", RAM)
        order_id = await seed.order(conn, retailer, None, "DISPATCHED", runtime.clock.now(),
                                    items=[("SUGAR", "2", "100")])
    await provider.customer_writes(RAM, "namaste")
    await provider.notify(RAM, "order_dispatched", order_id=order_id, vendor="Sita Traders")
    await provider.stub.wait_for(2)
    await provider.settled(2)
    async with runtime.pool.acquire() as conn:
        sid = await conn.fetchval("SELECT provider_sid FROM outbound_messages WHERE order_id = $1", order_id)
    assert sid in provider.sids()
    start = int(time.time())
    for i, state in enumerate(("delivered", "read", "delivered", "sent")):  # late callbacks never undo a read
        await provider.status(sid, state, start + 60 * i)
    async with runtime.pool.acquire() as conn:
        row = await conn.fetchrow("SELECT status, provider_status, delivered_at, read_at FROM outbound_messages"
                                  " WHERE provider_sid = $1", sid)
        history = await OrderViews(conn).history(order_id)
    assert (row["status"], row["provider_status"]) == ("read", "read")
    assert row["delivered_at"] is not None and row["read_at"] >= row["delivered_at"]
    if provider.name == "meta":  # the times Meta reported; the late `delivered` does not move the first
        assert (row["delivered_at"].timestamp(), row["read_at"].timestamp()) == (start, start + 60)
    assert history is not None and len(history.messages) == 1, "the greeting is about no order"
    shown = views.order_history(history, {}, UTC)
    assert "Messages:" in shown and "to Ram Kirana" in shown and "Order #1001 is on its way from Sita" in shown
    when = row["read_at"].astimezone(UTC).strftime("%d %b %H:%M")
    assert f"delivered {row['delivered_at'].astimezone(UTC).strftime('%d %b %H:%M')}" in shown
    assert f"read {when}" in shown and "sent " in shown
