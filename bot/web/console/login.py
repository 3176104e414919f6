"""GET/POST /admin/login: phone → a six-digit code by WhatsApp → a session; POST /admin/logout."""

from __future__ import annotations

from html import escape

from aiohttp import web

from bot.appkeys import CONFIG, RUNTIME
from bot.web.api.context import unit_of_work
from bot.web.console.pages import html_page
from bot.web.console.session import COOKIE, LOGIN_CSRF_COOKIE, admin_only, login_csrf, read_phone, same, set_cookie
from services.ops import web_login
from storage.repos.web_sessions import WebSession

MESSAGES = {
    "sent": "If this phone belongs to an admin, a six-digit code is on its way by WhatsApp (valid 5 minutes).",
    "too_many": "Too many codes asked for this phone; wait 15 minutes and try again.",
    "wrong": "That code is not right; try again.",
    "expired": "That code no longer works (used, expired or too many tries); ask for a new one.",
    "phone": "Give a phone number in international form, like +9779800000000.",
    "csrf": "The form was stale; try again.",
}


def _form(csrf: str, phone: str = "", note: str = "", asked: bool = False) -> str:
    code = ('<label>Code <input name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6"'
            ' pattern="[0-9]{6}" required autofocus></label><button name="step" value="code">Log in</button>'
            if asked else "")
    return (f'<main class="login"><h1>Khaacho ops</h1>'
            f'<p class="note" role="status">{escape(note)}</p>'
            f'<form method="post" action="/admin/login"><input type="hidden" name="csrf" value="{escape(csrf)}">'
            f'<label>Admin phone <input name="phone" type="tel" value="{escape(phone)}" required'
            f' placeholder="+9779800000000"{"" if asked else " autofocus"}></label>'
            f'<button name="step" value="phone"{" class=secondary" if asked else ""}>'
            f'{"Send a new code" if asked else "Send me a code"}</button>{code}</form></main>')


def _respond(request: web.Request, csrf: str, **form: object) -> web.Response:
    response = html_page("Log in", _form(csrf, **form))  # type: ignore[arg-type]
    set_cookie(request, response, LOGIN_CSRF_COOKIE, csrf)
    return response


async def show(request: web.Request) -> web.Response:
    return _respond(request, login_csrf(request))


async def submit(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    csrf = login_csrf(request)
    if not same(str(form.get("csrf", "")), request.cookies.get(LOGIN_CSRF_COOKIE, "")):
        return _respond(request, csrf, note=MESSAGES["csrf"])
    phone = read_phone(str(form.get("phone", ""))[:40])
    if phone is None:
        return _respond(request, csrf, note=MESSAGES["phone"])
    now = request.app[RUNTIME].clock.now()
    if form.get("step") == "code":
        async with unit_of_work(request) as uow:
            login = await web_login.verify_code(uow, phone, str(form.get("code", ""))[:12], now,
                                                request.app[CONFIG].web.session_ttl)
        if login.outcome is not web_login.Verified.OK or login.token is None:
            return _respond(request, csrf, phone=phone, note=MESSAGES[login.outcome.value],
                            asked=login.outcome is web_login.Verified.WRONG)
        response = web.HTTPSeeOther("/admin")
        set_cookie(request, response, COOKIE, login.token,
                   max_age=int(request.app[CONFIG].web.session_ttl.total_seconds()))
        response.del_cookie(LOGIN_CSRF_COOKIE, path="/admin")
        return response
    async with unit_of_work(request) as uow:
        asked = await web_login.ask_code(uow, phone, now)
    return _respond(request, csrf, phone=phone, note=MESSAGES[asked.value], asked=asked is web_login.Asked.SENT)


@admin_only
async def logout(request: web.Request, session: WebSession) -> web.StreamResponse:
    token = request.cookies.get(COOKIE, "")
    async with unit_of_work(request) as uow:
        await web_login.logout(uow, token, request.app[RUNTIME].clock.now())
    response = web.HTTPSeeOther("/admin/login")
    response.del_cookie(COOKIE, path="/admin")
    return response
