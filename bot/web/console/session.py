"""The /admin session: an HttpOnly, SameSite=Strict cookie (Secure over HTTPS) and a CSRF token.

Pages without a session redirect to the login; fetches (X-Requested-With or a JSON Accept) get 401.
Every POST carries the session's CSRF token (form field `csrf` or header X-CSRF-Token); the login
forms, before any session exists, carry a double-submit token from a cookie of their own.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.appkeys import CONFIG, RUNTIME
from bot.config import is_e164
from bot.web.api.context import unit_of_work
from services.ops import web_login
from storage.repos.web_sessions import WebSession

COOKIE = "khaacho_session"
LOGIN_CSRF_COOKIE = "khaacho_login_csrf"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_https(request: web.Request) -> bool:
    base = request.app[CONFIG].secrets.public_base_url or ""
    return request.secure or base.startswith("https://") or request.headers.get("X-Forwarded-Proto") == "https"


def set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str,
               max_age: int | None = None) -> None:
    response.set_cookie(name, value, httponly=True, samesite="Strict", secure=is_https(request),
                        path="/admin", max_age=max_age)


def wants_json(request: web.Request) -> bool:
    return (request.headers.get("X-Requested-With") == "fetch"
            or "application/json" in request.headers.get("Accept", ""))


async def current(request: web.Request) -> WebSession | None:
    token = request.cookies.get(COOKIE)
    if not token or len(token) > 200:
        return None
    async with unit_of_work(request) as uow:
        return await web_login.session(uow, token, request.app[RUNTIME].clock.now())


async def csrf_given(request: web.Request) -> str:
    header = request.headers.get("X-CSRF-Token")
    if header:
        return header
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return str((await request.post()).get("csrf", ""))
    return ""


def same(a: str, b: str) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


def admin_only(handler: Callable[[web.Request, WebSession], Awaitable[web.StreamResponse]]) -> Handler:
    """The view runs only with a live admin session (and, for a POST, its CSRF token)."""
    @functools.wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        session = await current(request)
        if session is None:
            if wants_json(request) or request.method != "GET":
                raise web.HTTPUnauthorized(text="log in first", headers={"X-Login": "/admin/login"})
            raise web.HTTPFound("/admin/login")
        if request.method == "POST" and not same(await csrf_given(request), session.csrf):
            raise web.HTTPForbidden(text="missing or wrong CSRF token; reload the page")
        return await handler(request, session)
    return guarded


def login_csrf(request: web.Request) -> str:
    """The login forms' token: the cookie's when there is one, else a new one (set by the caller)."""
    return request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)


def read_phone(text: str) -> str | None:
    """A phone typed into a form ('+977 980-0000000') in E.164, or None."""
    phone = "".join(ch for ch in text.strip() if ch not in " -().")
    return phone if is_e164(phone) else None
