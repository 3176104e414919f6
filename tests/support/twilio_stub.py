"""A local stand-in for Twilio's REST API that checks what it receives.

It accepts `POST /2010-04-01/Accounts/{sid}/Messages.json` only with the right Basic auth and the
fields Twilio requires (ContentVariables one JSON object, as Twilio checks), answers like Twilio, lists
sent messages for reconciliation, can be told to fail the next requests (429 with Retry-After, 500,
403), to drop the connection without an answer, or to hang, and serves media files for inbound-media
tests. Changing `auth_token` is a rotated token: every request is then refused with 401.

It also serves the Content API (`POST /v1/Content`, `GET /v1/Content`): quick-reply and list-picker
templates are checked against WhatsApp's limits (at most 3 quick replies with titles of 20
characters, at most 10 list items of 24 with descriptions of 72, a list button of 20, a body of
1024) and refused with Twilio's 400 as the real API does; a message may then name one by ContentSid.

WhatsApp's 24-hour window, once `track_windows()` is called: a free-form message (Body, media or a
quick-reply content) to a number that has not written (`customer_wrote`) in the last 24 hours is
refused with 63016, as WhatsApp refuses it. A message naming an approved template (`approve`) or a
content made here must give exactly its variables in ContentVariables, else 63028.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from aiohttp import web

from tests.support.window_keeping import KeepsWindows


@dataclass
class StubMessage:
    sid: str
    to: str
    from_: str
    body: str
    media_url: list[str]
    status_callback: str | None
    content_sid: str | None = None
    content_variables: dict | None = None
    received: float = field(default_factory=time.monotonic)
    date_sent: datetime = field(default_factory=lambda: datetime.now(UTC))


class TwilioStub(KeepsWindows):
    def __init__(self, account_sid: str, auth_token: str, media_dir: Path | None = None) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.media_dir = media_dir
        self.messages: list[StubMessage] = []
        self.rejected: list[str] = []          # why requests were refused (auth, fields)
        self.fail_next: list[int] = []         # statuses to answer the next requests with
        self.fail_to: dict[str, int] = {}      # "whatsapp:+977…" -> the status every create to it gets
        self.retry_after = 1                   # the Retry-After header of a 429
        self.drop_next = 0                     # creates answered by closing the connection, unanswered
        self.hang = 0.0                        # seconds each create waits before it is dropped unanswered
        self.delay = 0.0                       # seconds before answering a create
        self.attempts = 0                      # creates received, answered or not
        self._ids = itertools.count(1)
        self.arrived = asyncio.Event()
        self.contents: dict[str, dict] = {}    # content SID -> the create request's JSON
        self.approved: dict[str, int] = {}     # approved template content SID -> how many variables it has

    def window_address(self, phone: str) -> str:
        return "whatsapp:" + phone

    def approve(self, sid: str, variables: int) -> None:
        """A WhatsApp-approved template with `variables` placeholders ({{1}} … {{n}})."""
        self.approved[sid] = variables

    def _expected_variables(self, sid: str) -> int | None:
        if sid in self.approved:
            return self.approved[sid]
        return len(self.contents[sid].get("variables") or {}) if sid in self.contents else None

    def app(self) -> web.Application:
        app = web.Application()
        base = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        app.router.add_post(base, self._create)
        app.router.add_get(base, self._list)
        app.router.add_get("/media/{name}", self._media)
        app.router.add_post("/v1/Content", self._create_content)
        app.router.add_get("/v1/Content", self._list_contents)
        return app

    async def _create_content(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"code": 20003, "message": "Authenticate", "status": 401}, status=401)
        try:
            content = json.loads(await request.read())
        except ValueError:
            content = None
        problems = _content_problems(content)
        if problems:
            self.rejected.extend(problems)
            return web.json_response({"code": 21658, "message": "; ".join(problems), "status": 400}, status=400)
        sid = f"HX{next(self._ids):032d}"
        self.contents[sid] = content
        return web.json_response(self._content_resource(sid), status=201)

    async def _list_contents(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"code": 20003, "message": "Authenticate", "status": 401}, status=401)
        return web.json_response({"contents": [self._content_resource(sid) for sid in self.contents],
                                  "meta": {"page": 0, "page_size": 50, "first_page_url": "", "previous_page_url": None,
                                           "url": "", "next_page_url": None, "key": "contents"}})

    def _content_resource(self, sid: str) -> dict:
        content = self.contents[sid]
        return {"sid": sid, "account_sid": self.account_sid, "friendly_name": content.get("friendly_name"),
                "language": content.get("language"), "variables": content.get("variables") or {},
                "types": content.get("types"), "url": f"https://content.twilio.com/v1/Content/{sid}"}

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
        self.attempts += 1
        if self.drop_next or self.hang:
            if self.hang:
                await asyncio.sleep(self.hang)
            self.drop_next = max(0, self.drop_next - 1)
            assert request.transport is not None
            request.transport.close()  # the client sees the server disconnect without an answer
            return web.Response(status=500)
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
        variables = form.getall("ContentVariables", [])
        if variables and not _json_object(variables):
            self.rejected.append(f"ContentVariables {variables!r} is not one JSON object")
            return web.json_response({"code": 21656, "message": "The ContentVariables Parameter is invalid",
                                      "status": 400}, status=400)
        expected = self._expected_variables(str(content_sid)) if content_sid else None
        given = len(json.loads(str(variables[0]))) if variables else 0
        if expected is not None and given != expected:
            self.rejected.append(f"ContentVariables has {given} variables, the template {content_sid} {expected}")
            return web.json_response({"code": 63028, "status": 400, "message": "Number of parameters provided"
                                      " does not match the expected number of parameters"}, status=400)
        if not self.window_open(str(to)) and str(content_sid or "") not in self.approved:
            self.rejected.append(f"free-form message to {to} outside the 24-hour window")
            return web.json_response({"code": 63016, "status": 400, "message": "Failed to send freeform message"
                                      " because you are outside the allowed window. Please use a Template."},
                                     status=400)
        if self.fail_next or str(to) in self.fail_to:
            status = self.fail_next.pop(0) if self.fail_next else self.fail_to[str(to)]
            code = {429: 20429, 401: 20003, 403: 20003}.get(status, 20500)
            headers = {"Retry-After": str(self.retry_after)} if status == 429 else None
            return web.json_response({"code": code, "message": "stub failure", "status": status},
                                     status=status, headers=headers)
        if self.delay:
            await asyncio.sleep(self.delay)
        message = StubMessage(f"SM{next(self._ids):032d}", str(to), str(from_), str(body or ""),
                              [str(m) for m in media], form.get("StatusCallback"),
                              content_sid=str(content_sid) if content_sid else None,
                              content_variables=json.loads(str(variables[0])) if variables else None)
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


def _json_object(fields: list) -> bool:
    """Twilio takes ContentVariables as one field holding a JSON object of strings."""
    if len(fields) != 1:
        return False
    try:
        value = json.loads(str(fields[0]))
    except ValueError:
        return False
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def _long(what: str, value: object, limit: int) -> list[str]:
    if not isinstance(value, str) or not value:
        return [f"{what} is required"]
    return [f"{what} is {len(value)} characters, more than {limit}"] if len(value) > limit else []


def _content_problems(content: object) -> list[str]:
    """What the Content API refuses in a quick-reply or list-picker template."""
    if not isinstance(content, dict) or not isinstance(content.get("types"), dict) or not content["types"]:
        return ["a content needs types"]
    problems = _long("friendly_name", content.get("friendly_name"), 256)
    types = content["types"]
    if quick := types.get("twilio/quick-reply"):
        actions = quick.get("actions") or []
        problems += _long("quick-reply body", quick.get("body"), 1024)
        if not 1 <= len(actions) <= 3:
            problems.append(f"{len(actions)} quick replies: 1 to 3 allowed on WhatsApp")
        for a in actions:
            problems += _long("quick-reply title", a.get("title"), 20) + _long("quick-reply id", a.get("id"), 200)
    if picker := types.get("twilio/list-picker"):
        items = picker.get("items") or []
        problems += _long("list-picker body", picker.get("body"), 1024) + _long("list-picker button",
                                                                                  picker.get("button"), 20)
        if not 1 <= len(items) <= 10:
            problems.append(f"{len(items)} list items: 1 to 10 allowed")
        for i in items:
            problems += _long("list item", i.get("item"), 24) + _long("list item id", i.get("id"), 200)
            if len(i.get("description") or "") > 72:
                problems.append("list item description is more than 72 characters")
    return problems
