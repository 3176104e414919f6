"""A local stand-in for the WhatsApp Cloud API's `POST /v21.0/{phone-number-id}/messages`.

It refuses (and records why) a wrong bearer token, a body that is not JSON, and bodies the Cloud API
would reject (no messaging_product, a `to` that is not digits, a type without its object, an empty
text, interactive buttons or lists past WhatsApp's limits); it answers like the Graph API with a fresh
wamid, and can be told to fail the next requests.

WhatsApp's 24-hour window, once `track_windows()` is called: anything but a template to a number that
has not written (`customer_wrote`) in the last 24 hours gets error 131047 (Re-engagement message). A
template must be approved (`approve`: name, language, how many body parameters): an unknown one gets
132001, a parameter count that differs 132000, a parameter with a new line or tab 132018.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from typing import Any

from aiohttp import web

from tests.support.window_keeping import KeepsWindows

TYPES = ("text", "template", "image", "audio", "video", "document", "interactive")


class GraphStub(KeepsWindows):
    def __init__(self, access_token: str, phone_number_id: str) -> None:
        self.access_token = access_token
        self.phone_number_id = phone_number_id
        self.messages: list[dict[str, Any]] = []   # accepted bodies, with the wamid under "_wamid"
        self.rejected: list[str] = []
        self.fail_next: list[tuple[int, dict[str, Any]]] = []   # (HTTP status, Graph error object)
        self.base_url = ""
        self.media: dict[str, tuple[bytes, str]] = {}   # media id -> (bytes, content type)
        self._ids = itertools.count(1)
        self.arrived = asyncio.Event()
        self.templates: dict[tuple[str, str], int] = {}   # (name, language code) -> body parameters

    def window_address(self, phone: str) -> str:
        return phone.lstrip("+")

    def approve(self, name: str, language: str, parameters: int) -> None:
        self.templates[(name, language)] = parameters

    def _whatsapp_refuses(self, body: dict[str, Any]) -> tuple[int, str] | None:
        """What WhatsApp itself refuses in a well-formed request: (error code, message)."""
        if body["type"] == "template":
            template = body["template"]
            key = (template["name"], (template.get("language") or {}).get("code", ""))
            if key not in self.templates:
                return 132001, f"Template name does not exist in the translation: {key}"
            parameters = [p for c in template.get("components") or [] if c.get("type") == "body"
                          for p in c.get("parameters") or []]
            if len(parameters) != self.templates[key]:
                return 132000, (f"Number of parameters does not match the expected number of params:"
                                f" {len(parameters)} given, {self.templates[key]} expected")
            if any(any(ch in str(p.get("text", "")) for ch in "\n\t") or "    " in str(p.get("text", ""))
                   for p in parameters):
                return 132018, "Param text cannot have new-line/tab characters or more than 4 consecutive spaces"
            return None
        if not self.window_open(body["to"]):
            return 131047, ("Re-engagement message: more than 24 hours have passed since the recipient"
                            " last replied to the sender number")
        return None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(f"/v21.0/{self.phone_number_id}/messages", self._send)
        app.router.add_get("/v21.0/{media_id}", self._media_info)
        app.router.add_get("/lookaside/{media_id}", self._media_file)
        return app

    async def wait_for(self, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"graph stub got {len(self.messages)} of {count} messages")
            self.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), timeout=0.05)

    async def _media_info(self, request: web.Request) -> web.Response:
        media_id = request.match_info["media_id"]
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return self._error(401, "Invalid OAuth access token", 190)
        if media_id not in self.media:
            return self._error(404, "Unsupported get request", 100)
        data, content_type = self.media[media_id]
        return web.json_response({"messaging_product": "whatsapp", "id": media_id, "mime_type": content_type,
                                  "file_size": len(data), "url": f"{self.base_url}/lookaside/{media_id}"})

    async def _media_file(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            self.rejected.append("media download without the bearer token")
            return web.Response(status=401)
        data, content_type = self.media.get(request.match_info["media_id"], (b"", ""))
        return web.Response(body=data, content_type=content_type) if data else web.Response(status=404)

    def _error(self, status: int, message: str, code: int) -> web.Response:
        return web.json_response({"error": {"message": message, "type": "OAuthException", "code": code,
                                            "fbtrace_id": "stub"}}, status=status)

    async def _send(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            self.rejected.append("bad bearer token")
            return self._error(401, "Invalid OAuth access token", 190)
        try:
            body = json.loads(await request.read())
        except ValueError:
            self.rejected.append("body is not JSON")
            return self._error(400, "Invalid JSON", 100)
        problems = _problems(body)
        if problems:
            self.rejected.extend(problems)
            return self._error(400, "; ".join(problems), 100)
        if refused := self._whatsapp_refuses(body):
            code, message = refused
            self.rejected.append(f"{code}: {message}")
            return self._error(400, message, code)
        if self.fail_next:
            status, error = self.fail_next.pop(0)
            return web.json_response({"error": error}, status=status,
                                     headers={"Retry-After": "7"} if status == 429 else None)
        wamid = f"wamid.STUB{next(self._ids):06d}"
        self.messages.append({**body, "_wamid": wamid})
        self.arrived.set()
        return web.json_response({"messaging_product": "whatsapp",
                                  "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                                  "messages": [{"id": wamid, "message_status": "accepted"}]})


def _problems(body: Any) -> list[str]:
    if not isinstance(body, dict):
        return ["body must be an object"]
    problems = []
    if body.get("messaging_product") != "whatsapp":
        problems.append("messaging_product must be whatsapp")
    if not str(body.get("to", "")).isdigit():
        problems.append(f"to {body.get('to')!r} is not a phone number in digits")
    kind = body.get("type")
    if kind not in TYPES or not isinstance(body.get(kind), dict):
        problems.append(f"type {kind!r} needs its object")
    elif kind == "text" and not body["text"].get("body"):
        problems.append("text.body is required")
    elif kind == "template" and not (body["template"].get("name") and body["template"].get("language")):
        problems.append("template needs a name and a language")
    elif kind == "interactive":
        problems += _interactive_problems(body["interactive"])
    elif kind not in ("text", "template") and not (body[kind].get("link") or body[kind].get("id")):
        problems.append(f"{kind} needs a link or an id")
    return problems


def _too_long(what: str, value: Any, limit: int) -> list[str]:
    if not isinstance(value, str) or not value:
        return [f"{what} is required"]
    return [f"{what} is {len(value)} characters, more than {limit}"] if len(value) > limit else []


def _interactive_problems(shown: dict[str, Any]) -> list[str]:
    """What the Cloud API refuses in reply buttons and lists (its documented limits)."""
    kind, action = shown.get("type"), shown.get("action") or {}
    problems = _too_long("interactive body.text", (shown.get("body") or {}).get("text"),
                         4096 if kind == "list" else 1024)
    if kind == "button":
        found = action.get("buttons") or []
        if not 1 <= len(found) <= 3:
            problems.append(f"{len(found)} buttons: 1 to 3 allowed")
        for b in found:
            reply = b.get("reply") or {}
            if b.get("type") != "reply":
                problems.append("a button's type must be reply")
            problems += _too_long("button title", reply.get("title"), 20) + _too_long("button id", reply.get("id"), 256)
        if len({(b.get("reply") or {}).get("id") for b in found}) != len(found):
            problems.append("button ids must be unique")
    elif kind == "list":
        problems += _too_long("list action.button", action.get("button"), 20)
        sections = action.get("sections") or []
        rows = [r for s in sections for r in s.get("rows") or []]
        if not 1 <= len(sections) <= 10 or not 1 <= len(rows) <= 10:
            problems.append(f"{len(sections)} sections and {len(rows)} rows: 1 to 10 rows in 1 to 10 sections")
        if len(sections) > 1 and not all(s.get("title") for s in sections):
            problems.append("several sections need a title each")
        for s in sections:
            if "title" in s:
                problems += _too_long("section title", s["title"], 24)
        for r in rows:
            problems += _too_long("row title", r.get("title"), 24) + _too_long("row id", r.get("id"), 200)
            if len(r.get("description", "")) > 72:
                problems.append(f"row description is {len(r['description'])} characters, more than 72")
        if len({r.get("id") for r in rows}) != len(rows):
            problems.append("row ids must be unique")
    elif kind == "product":
        if not action.get("catalog_id") or not action.get("product_retailer_id"):
            problems.append("a product message needs action.catalog_id and action.product_retailer_id")
    elif kind == "product_list":
        problems += _too_long("product_list header.text", (shown.get("header") or {}).get("text"), 60)
        sections = action.get("sections") or []
        items = [i for s in sections for i in s.get("product_items") or []]
        if not action.get("catalog_id"):
            problems.append("a product list needs action.catalog_id")
        if not 1 <= len(sections) <= 10 or not 1 <= len(items) <= 30:
            problems.append(f"{len(sections)} sections and {len(items)} products: 1 to 30 in 1 to 10 sections")
        for s in sections:
            problems += _too_long("section title", s.get("title"), 24)
        if any(not i.get("product_retailer_id") for i in items):
            problems.append("every product item needs a product_retailer_id")
    else:
        problems.append(f"interactive type {kind!r} is not button, list, product or product_list")
    return problems
