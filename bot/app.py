"""The aiohttp application factory."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator

from aiohttp import web

from bot.appkeys import CONFIG, RUNTIME
from bot.config import Config
from bot.runtime import start_runtime
from bot.web import api, console, health, inbound, meta_webhooks, metrics, rasa_parse, twilio_webhooks
from bot.web.webhook_plan import webhook_plan
from storage.clock import Clock


async def _runtime_ctx(app: web.Application, clock: Clock | None = None) -> AsyncIterator[None]:
    runtime = await start_runtime(app[CONFIG], clock=clock)
    app[RUNTIME] = runtime
    app[CONFIG] = runtime.config  # with the values resolved at start (the download-link key)
    yield
    await runtime.close()


@web.middleware
async def _json_errors(request: web.Request, handler):  # type: ignore[no-untyped-def]
    """Never a traceback to a caller: unexpected errors become a plain 500 (and are logged)."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception:
        request.app.logger.exception("request failed", extra={"path": request.path})
        return web.json_response({"error": "internal error"}, status=500)


def create_app(config: Config, *, clock: Clock | None = None) -> web.Application:
    """The app; `clock` (default: the system clock) is for tests that move time by hand.

    Raises ConfigError when the webhooks would accept requests nobody signed."""
    plan = webhook_plan(config)
    app = web.Application(client_max_size=config.web.max_body_bytes, middlewares=[_json_errors])
    app[CONFIG] = config
    app.cleanup_ctx.append(functools.partial(_runtime_ctx, clock=clock))
    app.cleanup_ctx.append(inbound.spool_ctx)
    if plan.twilio:
        twilio_webhooks.add_routes(app, signed=plan.twilio_signed)
    if plan.meta:
        meta_webhooks.add_routes(app)
    app.router.add_get("/health", health.health)
    metrics.add_routes(app)
    rasa_parse.add_routes(app)
    api.add_routes(app)
    console.add_routes(app)
    return app
