"""The console's doors: /admin needs a session, codes are single-use, limited and for admins only,
sessions expire, forms need their CSRF token, and the simulator answers only when it is on."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.web.console import DATA, PAGES
from services.ops.web_login import CODE_TTL, CODES_PER_WINDOW, MAX_TRIES
from storage.clock import FakeClock
from tests.support.console_site import ADMIN, RETAILER, VENDOR, console_client, console_config, last_code

PAGE_PATHS = [p.replace("{order_id:[0-9]{1,18}}", "1001") for p in PAGES]
DATA_PATHS = [f"/admin/data/{p.replace('{order_id}', '1001')}" for p in DATA]
POSTS = ["/admin/act", "/admin/deadletters/1/send", "/admin/exports", "/admin/logout"]
XHR = {"X-Requested-With": "fetch"}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def client(aiohttp_client, config, clock):  # type: ignore[no-untyped-def]
    async with console_client(aiohttp_client, console_config(config), clock) as c:
        yield c


async def _login_form(client) -> str:  # type: ignore[no-untyped-def]
    page = await client.get("/admin/login")
    assert page.status == 200
    return re.search(r'name="csrf" value="([^"]+)"', await page.text()).group(1)


async def ask(client, phone: str) -> str:  # type: ignore[no-untyped-def]
    csrf = await _login_form(client)
    response = await client.post("/admin/login", data={"csrf": csrf, "phone": phone, "step": "phone"})
    assert response.status == 200
    return await response.text()


async def verify(client, phone: str, code: str):  # type: ignore[no-untyped-def]
    csrf = await _login_form(client)
    return await client.post("/admin/login", data={"csrf": csrf, "phone": phone, "step": "code", "code": code},
                             allow_redirects=False)


async def log_in(client) -> str:  # type: ignore[no-untyped-def]
    """Log in as the admin; the page's CSRF token. The session cookie's attributes are checked here."""
    await ask(client, ADMIN)
    response = await verify(client, ADMIN, await last_code(client))
    assert response.status == 303 and response.headers["Location"] == "/admin"
    (cookie,) = [c for c in response.headers.getall("Set-Cookie") if c.startswith("khaacho_session=")]
    assert {"HttpOnly", "SameSite=Strict", "Path=/admin"} <= {a.strip() for a in cookie.split(";")}
    page = await client.get("/admin")
    return re.search(r'<meta name="csrf" content="([^"]+)"', await page.text()).group(1)


async def test_every_admin_route_refuses_without_a_session(client) -> None:
    for path in PAGE_PATHS:
        page = await client.get(path, allow_redirects=False)
        assert (page.status, page.headers.get("Location")) == (302, "/admin/login"), path
        assert (await client.get(path, headers=XHR)).status == 401, path
    for path in DATA_PATHS:
        assert (await client.get(path, allow_redirects=False)).status in (302, 401), path
        assert (await client.get(path, headers=XHR)).status == 401, path
    for path in POSTS:
        assert (await client.post(path, data={"action": "cancel"})).status == 401, path


async def test_an_admin_logs_in_with_the_code_and_out_again(client) -> None:
    csrf = await log_in(client)
    for path in PAGE_PATHS[:1] + DATA_PATHS:
        if "orders/1001" not in path:
            assert (await client.get(path, headers=XHR)).status == 200, path
    assert (await client.post("/admin/logout", data={})).status == 403          # no CSRF token
    out = await client.post("/admin/logout", data={"csrf": csrf}, allow_redirects=False)
    assert out.status == 303
    assert (await client.get("/admin/data/overview", headers=XHR)).status == 401


async def test_a_code_works_once(client) -> None:
    await ask(client, ADMIN)
    code = await last_code(client)
    assert (await verify(client, ADMIN, code)).status == 303
    client.session.cookie_jar.clear()
    again = await verify(client, ADMIN, code)
    assert again.status == 200 and "no longer works" in await again.text()


async def test_five_wrong_tries_use_the_code_up(client) -> None:
    await ask(client, ADMIN)
    code = await last_code(client)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(MAX_TRIES):
        refused = await verify(client, ADMIN, wrong)
        assert refused.status == 200 and "khaacho_session" not in refused.cookies
    response = await verify(client, ADMIN, code)
    assert response.status == 200 and "no longer works" in await response.text()


async def test_codes_expire_and_are_rate_limited(client, clock) -> None:
    await ask(client, ADMIN)
    code = await last_code(client)
    clock.advance(CODE_TTL + timedelta(seconds=1))
    assert "no longer works" in await (await verify(client, ADMIN, code)).text()
    for _ in range(CODES_PER_WINDOW - 1):
        assert "on its way" in await ask(client, ADMIN)
    assert "Too many codes" in await ask(client, ADMIN)


@pytest.mark.parametrize("phone", [RETAILER, VENDOR, "+9779811111111"])
async def test_only_admins_get_a_code(client, phone) -> None:
    said = await ask(client, phone)
    assert "on its way" in said                              # the same answer: no phone is revealed
    assert await last_code(client, phone) is None            # but nothing was sent
    for guess in ("000000", "123456"):
        response = await verify(client, phone, guess)
        assert response.status == 200 and "khaacho_session" not in response.cookies


async def test_sessions_expire(client, clock, config) -> None:
    await log_in(client)
    assert (await client.get("/admin/data/overview", headers=XHR)).status == 200
    clock.advance(config.web.session_ttl + timedelta(seconds=1))
    assert (await client.get("/admin/data/overview", headers=XHR)).status == 401


async def test_actions_need_the_csrf_token(client) -> None:
    csrf = await log_in(client)
    refused = await client.post("/admin/act", data={"action": "safemode_off"})
    assert refused.status == 403
    refused = await client.post("/admin/act", data={"action": "safemode_off", "csrf": csrf + "x"})
    assert refused.status == 403
    done = await client.post("/admin/act", data={"action": "safemode_off", "csrf": csrf})
    assert done.status == 200 and (await done.json())["command"] == "/safemode off"


async def test_the_login_form_needs_its_token(client) -> None:
    response = await client.post("/admin/login", data={"phone": ADMIN, "step": "phone"})
    assert "stale" in await response.text()
    assert await last_code(client) is None


async def test_the_simulator_is_refused_when_off(aiohttp_client, config) -> None:
    async with console_client(aiohttp_client, console_config(config, simulator=False)) as off:
        for method, path in (("GET", "/"), ("GET", "/sim/people"), ("POST", "/sim/send"), ("POST", "/sim/upload"),
                             ("POST", "/sim/retailers"), ("GET", f"/sim/stream?phone=%2B{RETAILER[1:]}"),
                             ("POST", "/sim/travel")):
            assert (await off.request(method, path, json={"phone": RETAILER, "text": "hi", "id": "x" * 10})).status \
                == 403, path


async def test_time_travel_is_refused_outside_demo_mode(client) -> None:
    assert (await client.post("/sim/travel", json={"minutes": 10})).status == 403


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(phone=st.text(max_size=30), code=st.text(max_size=12), text=st.text(max_size=200),
       client_id=st.text(max_size=70))
async def test_forms_never_fail_with_what_anyone_sends(client, phone, code, text, client_id) -> None:
    csrf = await _login_form(client)
    for step in ("phone", "code"):
        response = await client.post("/admin/login", data={"csrf": csrf, "phone": phone, "code": code, "step": step})
        assert response.status < 500
    response = await client.post("/sim/send", json={"phone": phone, "text": text, "id": client_id})
    assert response.status < 500
    response = await client.post("/sim/retailers", json={"phone": phone, "name": text})
    assert response.status < 500


async def test_the_cookie_is_secure_over_https(client) -> None:
    await ask(client, ADMIN)
    csrf = await _login_form(client)
    response = await client.post("/admin/login", headers={"X-Forwarded-Proto": "https"}, allow_redirects=False,
                                 data={"csrf": csrf, "phone": ADMIN, "step": "code", "code": await last_code(client)})
    (cookie,) = [c for c in response.headers.getall("Set-Cookie") if c.startswith("khaacho_session=")]
    assert "Secure" in {a.strip() for a in cookie.split(";")}
