"""The simulator at /: speak as any retailer, vendor and admin through the webhook's pipeline.

A message from the page is an InboundMessage of the `web` channel (the page's own id for it: a
resend is a duplicate) stored and scheduled like a webhook's; what each phone receives is read from
the outbox and pushed to the page as server-sent events, with each message's delivery status.
Photos and voice notes are saved under var/web_media/ and go through the same media jobs.
Everything here answers 403 unless `web.simulator: true`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

from aiohttp import web

from bot.appkeys import CONFIG
from bot.channels.base import InboundMessage, Media
from bot.config import ROOT
from bot.web.api.context import unit_of_work
from bot.web.api.jsonable import jsonable
from bot.web.console.pages import html_page
from bot.web.console.session import read_phone
from bot.web.inbound import accept
from services.ops import console
from storage.outbox_listener import OutboxWaker, listening

MEDIA_DIR = ROOT / "var" / "web_media"
MEDIA_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "audio/ogg": ".ogg",
               "audio/mpeg": ".mp3", "audio/mp4": ".m4a", "audio/webm": ".webm", "audio/wav": ".wav"}
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
POLL_SECONDS = 0.5
STREAMS = web.AppKey("simulator_streams", set[asyncio.Task[None]])
WAKER = web.AppKey("simulator_waker", OutboxWaker)
KEEP_ALIVE_SECONDS = 15
STATUS_WINDOW = 30  # the last this many messages of a phone are watched for status changes


def _enabled(request: web.Request) -> None:
    if not request.app[CONFIG].web.simulator:
        raise web.HTTPForbidden(text="the simulator is off (web.simulator: false in config.yml)")


async def page(request: web.Request) -> web.Response:
    _enabled(request)
    travel = request.app[CONFIG].web.time_travel
    columns = "".join(
        f'<section class="phone" data-role="{role}"><header><h2>{label}</h2>'
        f'<select aria-label="{label}" class="who"></select></header>'
        f'<ol class="log" aria-live="polite"></ol><form class="say"><input name="text" autocomplete="off"'
        f' placeholder="Message as the {role}…" aria-label="message"><button>Send</button>'
        f'<label class="attach" title="photo or voice note">📎<input type="file" name="file"'
        f' accept="image/*,audio/*"></label></form></section>'
        for role, label in (("retailer", "Retailer"), ("vendor", "Vendor"), ("admin", "Admin")))
    travel_html = ('<form id="travel"><label>Time travel <select name="minutes"><option value="10">+10 min'
                   '</option><option value="60">+1 h</option><option value="360">+6 h</option>'
                   '<option value="1440">+1 day</option></select></label><button>Go</button>'
                   '<output id="clock"></output></form>' if travel else "")
    body = (f'<header class="bar"><strong>Khaacho simulator</strong><a href="/admin">Operators\' dashboard →</a>'
            f'</header><div class="tools"><form id="new-retailer"><input name="name" placeholder="New shop name"'
            f' required aria-label="shop name"><input name="phone" placeholder="+9779800000099" required'
            f' aria-label="shop phone"><button>Add retailer</button></form>{travel_html}</div>'
            f'<div class="phones">{columns}</div>')
    return html_page("Simulator", body, scripts=("simulator.js",))


async def people(request: web.Request) -> web.Response:
    _enabled(request)
    async with unit_of_work(request) as uow:
        found = await console.people(uow)
    return web.json_response({role: [{"phone": u.phone, "name": u.name} for u in users]
                              for role, users in found.items()})


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise web.HTTPBadRequest(text="expected a JSON object") from None
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text="expected a JSON object")
    return data


def _phone(value: Any) -> str:
    phone = read_phone(value) if isinstance(value, str) else None
    if phone is None:
        raise web.HTTPBadRequest(text="phone: international form, like +9779800000001")
    return phone


def _client_id(value: Any) -> str:
    if not isinstance(value, str) or not CLIENT_ID.match(value):
        raise web.HTTPBadRequest(text="id: 8 to 64 letters, digits, - or _")
    return value


async def add_retailer(request: web.Request) -> web.Response:
    _enabled(request)
    data = await _body(request)
    phone, name = _phone(data.get("phone")), str(data.get("name", "")).strip()[:80]
    if not name:
        raise web.HTTPBadRequest(text="name: the shop's name")
    async with unit_of_work(request) as uow:
        user = await console.add_retailer(uow, phone, name, Decimal(str(request.app[CONFIG].credit.default_limit)))
    if user is None:
        return web.json_response({"error": f"{phone} already belongs to someone"}, status=409)
    return web.json_response({"phone": user.phone, "name": user.name}, status=201)


async def send(request: web.Request) -> web.Response:
    """{phone, text | button_payload, id}: the page's message, into the webhook's pipeline."""
    _enabled(request)
    data = await _body(request)
    phone, client_id = _phone(data.get("phone")), _client_id(data.get("id"))
    text, payload = data.get("text", ""), data.get("button_payload")
    if not isinstance(text, str) or (payload is not None and not isinstance(payload, str)):
        raise web.HTTPBadRequest(text="text and button_payload: strings")
    if not text.strip() and not payload:
        raise web.HTTPBadRequest(text="say something")
    await accept(request.app, InboundMessage(provider="web", provider_id=client_id, phone=phone, text=text[:4096],
                                             button_payload=payload[:256] if payload else None))
    return web.json_response({"accepted": client_id}, status=202)


async def upload(request: web.Request) -> web.Response:
    """multipart {phone, id, file}: a photo or voice note, stored here and handed over like WhatsApp's."""
    _enabled(request)
    if not request.content_type.startswith("multipart/"):
        raise web.HTTPBadRequest(text="expected multipart/form-data")
    form = await request.post()
    phone, client_id, upload = _phone(form.get("phone")), _client_id(form.get("id")), form.get("file")
    content_type = getattr(upload, "content_type", "")
    if not isinstance(upload, web.FileField) or content_type not in MEDIA_TYPES:
        raise web.HTTPBadRequest(text=f"file: one of {', '.join(MEDIA_TYPES)}")
    data = upload.file.read(request.app[CONFIG].media.max_bytes + 1)
    if len(data) > request.app[CONFIG].media.max_bytes:
        raise web.HTTPRequestEntityTooLarge(max_size=request.app[CONFIG].media.max_bytes, actual_size=len(data))
    path = MEDIA_DIR / f"{uuid.uuid4().hex}{MEDIA_TYPES[content_type]}"
    await asyncio.to_thread(_write, path, data)
    await accept(request.app, InboundMessage(provider="web", provider_id=client_id, phone=phone,
                                             media=(Media(str(path), content_type),)))
    return web.json_response({"accepted": client_id}, status=202)


def _write(path: Any, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _event(name: str, data: Any) -> bytes:
    return f"event: {name}\ndata: {json.dumps(jsonable(data), ensure_ascii=False)}\n\n".encode()


async def stream(request: web.Request) -> web.StreamResponse:
    """Server-sent events: `message` for each outbox row to the phone, `status` when one's changes."""
    _enabled(request)
    phone = _phone(request.query.get("phone"))
    given = request.headers.get("Last-Event-ID") or request.query.get("after")
    if given and given.isdigit() and len(given) < 19:
        last = int(given)
    else:
        async with unit_of_work(request) as uow:
            last = await console.history_start(uow, phone)
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store",
                                           "X-Accel-Buffering": "no"})
    await response.prepare(request)
    streams = request.app[STREAMS]
    task = asyncio.current_task()
    assert task is not None
    streams.add(task)
    try:
        await _push(request, response, phone, last)
    except ConnectionResetError:  # the page went away mid-write
        pass
    finally:
        streams.discard(task)
    return response


async def _push(request: web.Request, response: web.StreamResponse, phone: str, last: int) -> None:
    with request.app[WAKER].subscription(phone) as queued:
        await _push_until_gone(request, response, phone, last, queued)


async def _push_until_gone(request: web.Request, response: web.StreamResponse, phone: str, last: int,
                           queued: asyncio.Event) -> None:
    seen: dict[int, str] = {}
    quiet = 0
    while request.transport is not None and not request.transport.is_closing():
        queued.clear()  # before reading: a row queued meanwhile wakes the next wait at once
        async with unit_of_work(request) as uow:
            fresh = await console.messages_to(uow, phone, last)
            changed = await console.statuses(uow, list(seen))
        for row_id, status in changed.items():
            if seen.get(row_id) != status:
                seen[row_id] = status
                await response.write(_event("status", {"id": row_id, "status": status}))
        for row in fresh:
            last = row["id"]
            seen[last] = row["status"]
            await response.write(f"id: {last}\n".encode() + _event("message", row))
        for row_id in sorted(seen)[:-STATUS_WINDOW]:
            del seen[row_id]
        quiet = 0 if fresh or changed else quiet + 1
        if quiet * POLL_SECONDS >= KEEP_ALIVE_SECONDS:
            await response.write(b": keep-alive\n\n")
            quiet = 0
        with contextlib.suppress(TimeoutError):  # a new row wakes it at once; status changes are polled
            await asyncio.wait_for(queued.wait(), POLL_SECONDS)


async def waker_ctx(app: web.Application) -> AsyncIterator[None]:
    async with listening(app[CONFIG].secrets.database_url or "") as waker:
        app[WAKER] = waker
        yield


async def close_streams(app: web.Application) -> None:
    """At shutdown: end the open streams (they would hold the server open until their pages leave)."""
    streams = app[STREAMS]
    for task in list(streams):
        task.cancel()
