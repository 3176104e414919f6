"""The outbox sender against a local Twilio: order per recipient, retries, dead letters, crash recovery."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.channels.twilio import TwilioSender
from jobs.outbox import OutboxSender
from storage.repos.outbox import OutboxRepository
from tests.conftest import TEST_ENV

A, B = "+9779800000011", "+9779800000012"


@pytest.fixture
async def sender(stub):  # type: ignore[no-untyped-def]
    s = TwilioSender(TEST_ENV["TWILIO_ACCOUNT_SID"], TEST_ENV["TWILIO_AUTH_TOKEN"], "+14155238886", stub.base_url)
    yield s
    await s.close()


async def queue(runtime, recipient: str, *bodies: str) -> list[int]:  # type: ignore[no-untyped-def]
    async with runtime.pool.acquire() as conn:
        repo = OutboxRepository(conn)
        return [await repo.add(recipient, body, at=runtime.clock.now()) for body in bodies]


async def rows(runtime) -> dict[int, dict]:  # type: ignore[no-untyped-def]
    async with runtime.pool.acquire() as conn:
        found = await conn.fetch("SELECT id, status, tries, provider_sid, last_error FROM outbound_messages")
    return {r["id"]: dict(r) for r in found}


async def test_each_recipient_gets_messages_in_order(runtime, stub, sender) -> None:
    await queue(runtime, A, "a1", "a2", "a3")
    await queue(runtime, B, "b1", "b2")
    sent = await OutboxSender(runtime.pool, sender, runtime.clock, limiter=None).drain()
    assert sent == 5
    assert [m.body for m in stub.to(A)] == ["a1", "a2", "a3"]
    assert [m.body for m in stub.to(B)] == ["b1", "b2"]
    assert all(r["status"] == "sent" and r["provider_sid"] for r in (await rows(runtime)).values())


async def test_429_and_5xx_are_retried_with_backoff(runtime, stub, sender) -> None:
    (row_id,) = await queue(runtime, A, "hello")
    stub.fail_next = [429, 503]
    outbox = OutboxSender(runtime.pool, sender, runtime.clock, limiter=None, max_tries=5)
    assert await outbox.drain() == 0
    assert (await rows(runtime))[row_id]["status"] == "queued"
    assert await outbox.drain() == 0, "not due yet: backoff holds it"
    runtime.clock.advance(timedelta(seconds=2))
    assert await outbox.drain() == 0  # the 503
    runtime.clock.advance(timedelta(seconds=4))
    assert await outbox.drain() == 1
    row = (await rows(runtime))[row_id]
    assert (row["status"], row["tries"]) == ("sent", 3)
    assert [m.body for m in stub.messages] == ["hello"]


async def test_dead_letter_after_max_tries_and_a_dead_row_does_not_block_the_next(runtime, stub, sender) -> None:
    first, second = await queue(runtime, A, "doomed", "next")
    stub.fail_to = {"whatsapp:" + A: 500}  # only this recipient's messages fail: the provider itself works
    outbox = OutboxSender(runtime.pool, sender, runtime.clock, limiter=None, max_tries=3)
    for n in range(4):
        await queue(runtime, B, f"b{n}")
        await outbox.drain()
        runtime.clock.advance(timedelta(minutes=1))
        if n == 2:
            stub.fail_to = {}
    await outbox.drain()
    state = await rows(runtime)
    assert state[first]["status"] == "dead" and "500" in state[first]["last_error"]
    assert state[second]["status"] == "sent"
    async with runtime.pool.acquire() as conn:
        assert [d["id"] for d in await OutboxRepository(conn).dead_letters()] == [first]


async def test_an_outage_for_everyone_loses_nothing(runtime, stub, sender) -> None:
    """Twilio failing every request longer than max_tries backoffs last: rows wait, none is dead."""
    (row_id,) = await queue(runtime, A, "through the outage")
    await queue(runtime, B, "also")
    stub.fail_next = [500] * 20
    outbox = OutboxSender(runtime.pool, sender, runtime.clock, limiter=None, max_tries=3)
    for _ in range(8):
        await outbox.drain()
        runtime.clock.advance(timedelta(minutes=10))
    assert {r["status"] for r in (await rows(runtime)).values()} == {"queued"}
    stub.fail_next = []
    assert await outbox.drain() == 2
    assert (await rows(runtime))[row_id]["status"] == "sent"


async def test_permanent_errors_are_dead_at_once(runtime, stub, sender) -> None:
    (row_id,) = await queue(runtime, "not-a-number", "x")
    await OutboxSender(runtime.pool, sender, runtime.clock, limiter=None).drain()
    row = (await rows(runtime))[row_id]
    assert (row["status"], row["tries"]) == ("dead", 1)
    assert stub.rejected and stub.messages == []


async def test_reconcile_after_a_crash_sends_nothing_twice_and_loses_nothing(runtime, stub, sender) -> None:
    delivered, never_sent = await queue(runtime, A, "reached twilio", "lost in the crash")
    await queue(runtime, B, "other")
    async with runtime.pool.acquire() as conn:  # a sender marked rows, then died
        claimed = await OutboxRepository(conn).claim(runtime.clock.now(), 10)
    assert {r.id for r in claimed} >= {delivered}
    from bot.channels.base import OutboundMessage

    await sender.send(OutboundMessage(A, "reached twilio"))  # the call went through before the crash
    runtime.clock.advance(timedelta(minutes=2))
    outbox = OutboxSender(runtime.pool, sender, runtime.clock, limiter=None)
    assert await outbox.reconcile() >= 1
    await outbox.drain()
    assert [m.body for m in stub.to(A)] == ["reached twilio", "lost in the crash"]
    assert [m.body for m in stub.to(B)] == ["other"]
    state = await rows(runtime)
    assert state[delivered]["provider_sid"] == stub.to(A)[0].sid
    assert state[never_sent]["status"] == "sent"


async def test_template_variables_reach_twilio_as_one_json_field(runtime, stub, sender) -> None:
    """A reminder outside the 24-hour window (as services/reminders.py writes it) is sent, not dead-lettered."""
    variables = {"1": "Ram Kirana", "2": "#12", "3": "• Rice 5 kg\n• दाल 2 kg"}
    async with runtime.pool.acquire() as conn:
        row_id = await OutboxRepository(conn).add(A, "reminder text", at=runtime.clock.now(), kind="notify",
                                                  template={"sid": "HX" + "0" * 32, "variables": variables})
    assert await OutboxSender(runtime.pool, sender, runtime.clock, limiter=None).drain() == 1
    assert (await rows(runtime))[row_id]["status"] == "sent"
    (message,) = stub.messages
    assert (message.content_sid, message.content_variables) == ("HX" + "0" * 32, variables)
    assert stub.rejected == []


async def test_the_stub_refuses_content_variables_that_are_not_one_json_object(stub) -> None:
    import aiohttp

    url = f"{stub.base_url}/2010-04-01/Accounts/{TEST_ENV['TWILIO_ACCOUNT_SID']}/Messages.json"
    auth = aiohttp.BasicAuth(TEST_ENV["TWILIO_ACCOUNT_SID"], TEST_ENV["TWILIO_AUTH_TOKEN"])
    base = [("To", "whatsapp:" + A), ("From", "whatsapp:+14155238886"), ("ContentSid", "HX1")]
    async with aiohttp.ClientSession() as session:
        for bad in ([("ContentVariables", "1"), ("ContentVariables", "2")], [("ContentVariables", "{1: x}")],
                    [("ContentVariables", "[1]")]):
            async with session.post(url, data=base + bad, auth=auth) as response:
                assert response.status == 400 and (await response.json())["code"] == 21656
        async with session.post(url, data=[*base, ("ContentVariables", '{"1": "x"}')], auth=auth) as response:
            assert response.status == 201


async def test_reconcile_tells_identical_texts_apart(runtime, stub, sender) -> None:
    """Two rows with the same text: the first was sent and recorded, the second was claimed and then the
    sender died before calling Twilio. The second must be sent, not matched to the first's message."""
    first, second = await queue(runtime, A, "ok", "ok")
    outbox = OutboxSender(runtime.pool, sender, runtime.clock, limiter=None)
    async with runtime.pool.acquire() as conn:
        repo = OutboxRepository(conn)
        (claimed,) = await repo.claim(runtime.clock.now(), 10)
        assert claimed.id == first
        from bot.channels.base import OutboundMessage

        result = await sender.send(OutboundMessage(A, "ok"))
        await repo.mark_sent(first, result.sid, result.status, runtime.clock.now())
        (claimed,) = await repo.claim(runtime.clock.now(), 10)  # the second, then the crash
        assert claimed.id == second
    runtime.clock.advance(timedelta(minutes=2))
    assert await outbox.reconcile() == 1
    await outbox.drain()
    assert [m.body for m in stub.to(A)] == ["ok", "ok"], "the second is not lost"
    state = await rows(runtime)
    assert state[first]["provider_sid"] != state[second]["provider_sid"]
    assert {state[first]["provider_sid"], state[second]["provider_sid"]} == {m.sid for m in stub.messages}


async def test_reconcile_finds_a_template_message_that_reached_twilio(runtime, stub, sender) -> None:
    """Twilio renders a template's text itself, so the text cannot match: the unrecorded SID does."""
    template = {"sid": "HX" + "1" * 32, "variables": {"1": "Ram"}}
    await queue(runtime, A, "earlier")
    await OutboxSender(runtime.pool, sender, runtime.clock, limiter=None).drain()
    async with runtime.pool.acquire() as conn:
        repo = OutboxRepository(conn)
        row_id = await repo.add(A, "reminder", at=runtime.clock.now(), template=template)
        await repo.claim(runtime.clock.now(), 10)
    from bot.channels.base import OutboundMessage

    await sender.send(OutboundMessage(A, "reminder", template=template))  # reached Twilio, then the crash
    runtime.clock.advance(timedelta(minutes=2))
    outbox = OutboxSender(runtime.pool, sender, runtime.clock, limiter=None)
    assert await outbox.reconcile() == 1
    await outbox.drain()
    assert len(stub.to(A)) == 2, "the template went out once"
    assert (await rows(runtime))[row_id]["provider_sid"] == stub.to(A)[1].sid


async def test_when_the_outage_ends_waiting_rows_go_at_once(runtime, stub, sender) -> None:
    """Rows that backed off during an outage for everyone do not sit out their backoff once sends work."""
    await queue(runtime, A, "a")
    await queue(runtime, B, "b")
    stub.fail_next = [500] * 6
    outbox = OutboxSender(runtime.pool, sender, runtime.clock, limiter=None)
    for delay in (2, 4):  # two failed rounds: each row now waits 8 s
        await outbox.drain()
        runtime.clock.advance(timedelta(seconds=delay))
    await outbox.drain()
    assert stub.fail_next == [] and stub.messages == []
    await queue(runtime, "+9779800000013", "new")
    assert await outbox.drain() == 3, "the provider answered again: the waiting rows went with the new one"


class CountingLimiter:
    """Grants whatever is asked, counting the asks: one per claim the drain makes."""

    def __init__(self) -> None:
        self.grants = 0

    async def grant(self, wanted: int) -> int:
        self.grants += 1
        return wanted

    async def refund(self, unused: int) -> None:
        pass


async def test_a_drain_claims_again_only_when_something_may_wait_behind_what_it_sent(runtime, stub, sender) -> None:
    limiter = CountingLimiter()
    outbox = OutboxSender(runtime.pool, sender, runtime.clock, limiter=limiter)  # type: ignore[arg-type]
    await queue(runtime, A, "a1")
    await queue(runtime, B, "b1")
    assert await outbox.drain() == 2
    assert limiter.grants == 1, "everything sendable went in one batch with nothing behind it: no second claim"
    await queue(runtime, A, "a2", "a3")
    assert await outbox.drain() == 2
    assert [m.body for m in stub.to(A)] == ["a1", "a2", "a3"], "the row behind a sent one goes in the same drain"
    assert limiter.grants == 1 + 2, "a2, then a3 behind it; nothing behind a3: no third claim"
