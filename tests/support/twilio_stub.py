"""A local stand-in for Twilio's REST API that checks what it receives.

It accepts `POST /2010-04-01/Accounts/{sid}/Messages.json` only with the right Basic auth and the
fields Twilio requires, answers like Twilio, lists sent messages for reconciliation, can be told to
fail the next requests (429 / 500), and serves media files for inbound-media tests.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from aiohttp import web


@dataclass
class StubMessage:
    sid: str
    to: str
    from_: str
    body: str
    media_url: list[str]
    status_callback: str | None
    received: float = field(default_factory=time.monotonic)
    date_sent: datetime = field(default_factory=lambda: datetime.now(UTC))


class TwilioStub:
    def __init__(self, account_sid: str, auth_token: str, media_dir: Path | None = None) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.media_dir = media_dir
        self.messages: list[StubMessage] = []
        self.rejected: list[str] = []          # why requests were refused (auth, fields)
        self.fail_next: list[int] = []         # statuses to answer the next requests with
        self.delay = 0.0                       # seconds before answering a create
        self._ids = itertools.count(1)
        self.arrived = asyncio.Event()

    def app(self) -> web.Application:
        app = web.Application()
        base = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        app.router.add_post(base, self._create)
        app.router.add_get(base, self._list)
        app.router.add_get("/media/{name}", self._media)
        return app

    def to(self, phone: str) -> list[StubMessage]:
        return [m for m in self.messages if m.to == "whatsapp:" + phone]

    async def wait_for(self, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"stub got {len(self.messages)} of {count} messages")
            self.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), timeout=0.05)

    def _authorised(self, request: web.Request) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return request.headers.get("Authorization") == f"Basic {expected}"

    async def _create(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            self.rejected.append("bad credentials")
            return web.json_response({"code": 20003, "message": "Authenticate", "status": 401}, status=401)
        form = await request.post()
        to, from_, body = form.get("To", ""), form.get("From", ""), form.get("Body")
        media = form.getall("MediaUrl", [])
        content_sid = form.get("ContentSid")
        problems = []
        if not str(to).startswith("whatsapp:+"):
            problems.append(f"To {to!r} is not a whatsapp: address")
        if not str(from_).startswith("whatsapp:+"):
            problems.append(f"From {from_!r} is not a whatsapp: address")
        if not body and not media and not content_sid:
            problems.append("one of Body, MediaUrl or ContentSid is required")
        if problems:
            self.rejected.extend(problems)
            return web.json_response({"code": 21602, "message": "; ".join(problems), "status": 400}, status=400)
        if self.fail_next:
            status = self.fail_next.pop(0)
            return web.json_response({"code": 20429 if status == 429 else 20500,
                                      "message": "stub failure", "status": status}, status=status)
        if self.delay:
            await asyncio.sleep(self.delay)
        message = StubMessage(f"SM{next(self._ids):032d}", str(to), str(from_), str(body or ""),
                              [str(m) for m in media], form.get("StatusCallback"))
        self.messages.append(message)
        self.arrived.set()
        return web.json_response(self._resource(message), status=201)

    async def _list(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"code": 20003, "message": "Authenticate", "status": 401}, status=401)
        to = request.query.get("To")
        after = request.query.get("DateSent>")
        since = parsedate_to_datetime(after) if after and not after[0].isdigit() else (
            datetime.fromisoformat(after.replace("Z", "+00:00")) if after else None)
        found = [m for m in self.messages if (not to or m.to == to)
                 and (since is None or m.date_sent >= since.replace(microsecond=0))]
        return web.json_response({"messages": [self._resource(m) for m in found], "next_page_uri": None,
                                  "page": 0, "page_size": 50, "uri": request.path})

    async def _media(self, request: web.Request) -> web.StreamResponse:
        if self.media_dir is None or not self._authorised(request):
            raise web.HTTPNotFound()
        path = (self.media_dir / request.match_info["name"]).resolve()
        if path.parent != self.media_dir.resolve() or not path.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(path)

    def _resource(self, m: StubMessage) -> dict:
        return {"sid": m.sid, "account_sid": self.account_sid, "to": m.to, "from": m.from_, "body": m.body,
                "status": "queued", "num_media": str(len(m.media_url)), "direction": "outbound-api",
                "date_created": format_datetime(m.date_sent), "date_sent": format_datetime(m.date_sent),
                "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{m.sid}.json"}
