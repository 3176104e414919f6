"""Bearer API keys for /api/v1: a missing, unknown or revoked key gets 401."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps

from aiohttp import web

from bot.appkeys import RUNTIME
from bot.web.api.context import unit_of_work
from services.ops.apikeys import authenticate
from storage.repos.apikeys import ApiKey

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
API_KEY = web.RequestKey("api_key", ApiKey)


def error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _unauthorised(message: str) -> web.Response:
    response = error(401, message)
    response.headers["WWW-Authenticate"] = 'Bearer realm="khaacho"'
    return response


def authenticated(handler: Handler) -> Handler:
    """Let the request through only with `Authorization: Bearer <key>` of a live key."""
    @wraps(handler)
    async def check(request: web.Request) -> web.StreamResponse:
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return _unauthorised("an API key is required: Authorization: Bearer <key>")
        async with unit_of_work(request) as uow:
            found = await authenticate(uow, key.strip(), request.app[RUNTIME].clock.now())
        if found is None:
            return _unauthorised("invalid API key")
        request[API_KEY] = found
        return await handler(request)
    return check


def caller(request: web.Request) -> str:
    return f"api:{request[API_KEY].name}"
