"""The web console inside `serve`: the simulator at / and the operators' dashboard under /admin.

No front-end build: plain HTML shells, two scripts and a stylesheet under bot/web/static/, and
Chart.js vendored from npm (bot/web/static/vendor/chartjs/, with its licence).
"""

from __future__ import annotations

import logging
from pathlib import Path

from aiohttp import web

from bot.appkeys import CONFIG
from bot.web.console import admin_actions, admin_data, login, simulator, time_travel
from bot.web.console.pages import admin_page
from bot.web.console.session import admin_only
from storage.repos.web_sessions import WebSession

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent.parent / "static"
PAGES = {  # path → (title, the page name admin.js draws)
    "/admin": ("Overview", "overview"),
    "/admin/orders": ("Orders", "orders"),
    "/admin/orders/{order_id:[0-9]{1,18}}": ("Order", "order"),
    "/admin/stuck": ("Stuck", "stuck"),
    "/admin/deadletters": ("Dead letters", "deadletters"),
    "/admin/safemode": ("Safe mode", "safemode"),
    "/admin/retailers": ("Retailers", "retailers"),
    "/admin/vendors": ("Vendors", "vendors"),
    "/admin/exports": ("Exports", "exports"),
}
DATA = {
    "overview": admin_data.overview, "orders": admin_data.orders, "orders/{order_id}": admin_data.order,
    "stuck": admin_data.stuck, "deadletters": admin_data.dead_letters, "safemode": admin_data.safe_mode_state,
    "retailers": admin_data.retailers, "vendors": admin_data.vendors, "exports": admin_data.exports,
}


def _shell(title: str, name: str):  # type: ignore[no-untyped-def]
    @admin_only
    async def view(request: web.Request, session: WebSession) -> web.Response:
        return admin_page(title, name, session.user.name, session.csrf)
    return view


def add_routes(app: web.Application) -> None:
    config = app[CONFIG]
    if config.web.simulator and (config.secrets.twilio_auth_token or config.secrets.meta_access_token):
        log.warning("web.simulator is on beside real WhatsApp credentials: whoever reaches / can speak as"
                    " any phone; turn it off in production")
    app[simulator.STREAMS] = set()
    if config.web.simulator:
        app.cleanup_ctx.append(simulator.waker_ctx)
    app.on_shutdown.append(simulator.close_streams)
    app.on_cleanup.append(time_travel.close)
    app.router.add_static("/static", STATIC, append_version=False)
    app.router.add_get("/", simulator.page)
    app.router.add_get("/sim/people", simulator.people)
    app.router.add_post("/sim/retailers", simulator.add_retailer)
    app.router.add_post("/sim/send", simulator.send)
    app.router.add_post("/sim/upload", simulator.upload)
    app.router.add_get("/sim/stream", simulator.stream)
    app.router.add_post("/sim/travel", time_travel.travel)
    app.router.add_get("/admin/login", login.show)
    app.router.add_post("/admin/login", login.submit)
    app.router.add_post("/admin/logout", login.logout)
    for path, (title, name) in PAGES.items():
        app.router.add_get(path, _shell(title, name))
    for path, handler in DATA.items():
        app.router.add_get(f"/admin/data/{path}", handler)
    app.router.add_post("/admin/act", admin_actions.act)
    app.router.add_post("/admin/deadletters/{row_id:[0-9]{1,18}}/send", admin_actions.send_again)
    app.router.add_post("/admin/exports", admin_actions.export)
