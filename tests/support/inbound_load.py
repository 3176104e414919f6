"""A steady stream of signed Twilio webhooks from many conversations, and what became of each message.

Each conversation posts "help" every `interval` seconds, one message at a time (the next only once the
last was answered 200), turn by turn to the next server; a post that fails (a killed server, a reset,
a 5xx) is posted again with the same MessageSid to the next server, as Twilio's retry or a load
balancer would. `outcome` then reads the database and the Twilio stub: every message answered 200
must be handled once, with its one reply delivered once, in the order the conversation sent them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp
import asyncpg

from tests.support.signing import sign, twilio_form
from tests.support.twilio_stub import TwilioStub

TEXT = "help"  # one reply each, handled without the NLU model: the load is the pipeline, not parsing


@dataclass
class Posted:
    phone: str
    seq: int
    sid: str
    answered_at: float


@dataclass
class WebhookLoad:
    ports: Callable[[], list[int]]   # the servers up now (a test may replace one)
    phones: list[str]
    auth_token: str
    public_base_url: str
    interval: float = 4.0
    posted: list[Posted] = field(default_factory=list)
    failed_posts: int = 0
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=20)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            await asyncio.gather(*(self._converse(http, n, phone) for n, phone in enumerate(self.phones)))

    async def _converse(self, http: aiohttp.ClientSession, n: int, phone: str) -> None:
        start = time.monotonic() + self.interval * n / len(self.phones)  # spread the conversations out
        await asyncio.sleep(max(0.0, start - time.monotonic()))
        turn = n
        for seq in itertools.count():
            if self._stop.is_set():
                return
            form = twilio_form(phone, TEXT, sid=f"SM{uuid.uuid4().hex}")  # unique across runs on one database
            while True:
                ports = self.ports()
                turn += 1
                if ports and await self._post(http, ports[turn % len(ports)], form):
                    break
                self.failed_posts += 1
                await asyncio.sleep(0.2)
            self.posted.append(Posted(phone, seq, form["MessageSid"], time.monotonic()))
            due = start + (seq + 1) * self.interval
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), max(0.0, due - time.monotonic()))

    async def _post(self, http: aiohttp.ClientSession, port: int, form: dict[str, str]) -> bool:
        signature = sign(self.auth_token, f"{self.public_base_url}/webhooks/twilio", form)
        try:
            async with http.post(f"http://127.0.0.1:{port}/webhooks/twilio", data=form,
                                 headers={"X-Twilio-Signature": signature}) as response:
                await response.read()
                return response.status == 200
        except (aiohttp.ClientError, TimeoutError, OSError):
            return False


@dataclass
class Outcome:
    offered: int       # messages answered 200
    handled: int       # of those, handled and their reply delivered
    lost: int          # answered 200, yet not handled or never answered
    duplicated: int    # replies delivered more than once
    out_of_order: int  # conversations whose replies arrived in another order than their messages

    @property
    def ok(self) -> bool:
        return self.lost == self.duplicated == self.out_of_order == 0


async def outcome(database_url: str, stub: TwilioStub, posted: list[Posted]) -> Outcome:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT i.provider_id, i.status, o.provider_sid FROM inbound_messages i"
            " LEFT JOIN outbound_messages o ON o.inbound_id = i.id AND o.status = 'sent'"
            " WHERE i.provider_id = ANY($1::text[])", [p.sid for p in posted])
    finally:
        await conn.close()
    reply_of = {r["provider_id"]: r["provider_sid"] for r in rows if r["status"] == "done"}
    delivered = Counter(m.sid for m in stub.messages)
    by_stub_sid = {r["provider_sid"]: r["provider_id"] for r in rows if r["provider_sid"]}
    handled = sum(1 for p in posted if reply_of.get(p.sid) and delivered[reply_of[p.sid]])
    seq_of = {p.sid: p.seq for p in posted}
    # a reply sent twice reaches the stub under a second sid that no outbound row holds
    ours = {"whatsapp:" + p for p in {p.phone for p in posted}}
    stray = sum(1 for m in stub.messages if m.to in ours and m.sid not in by_stub_sid)
    out_of_order = 0
    for phone in {p.phone for p in posted}:
        seqs = [seq_of[by_stub_sid[m.sid]] for m in stub.to(phone) if m.sid in by_stub_sid]
        out_of_order += seqs != sorted(seqs)
    return Outcome(len(posted), handled, len(posted) - handled, stray + sum(n - 1 for n in delivered.values()),
                   out_of_order)


async def wait_until_handled(database_url: str, stub: TwilioStub, posted: list[Posted], timeout: float,
                             since: float | None = None) -> float | None:
    """Seconds from `since` until every posted message was handled and answered; None on timeout."""
    since = time.monotonic() if since is None else since
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (await outcome(database_url, stub, posted)).lost == 0:
            return time.monotonic() - since
        await asyncio.sleep(0.5)
    return None
