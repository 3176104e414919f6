"""The console in a real browser (Debian's chromium through Playwright, nothing downloaded).

One story, as a person would click it: a retailer orders in the simulator and taps Confirm, the vendor taps Accept,
dispatches and delivers, the admin asks /stats; a photo goes through the media job; an operator logs
in with the code the Twilio stub received, opens every dashboard page (each chart must have drawn
its data), cancels an order from its page and sees it cancelled. Screenshots go to var/screenshots/.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import create_app
from bot.appkeys import RUNTIME
from bot.commands.seed import seed_demo
from bot.web.console import PAGES
from bot.worker import make_outbox, make_sender
from jobs.media import process_media
from testing.database import reset_database
from tests.conftest import ROOT, TEST_ENV, make_config
from tests.support.console_site import ADMIN, CODE, console_config
from tests.support.signing import sign

playwright_api = pytest.importorskip("playwright.async_api")
CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
SHOTS = ROOT / "var" / "screenshots"
PHOTO = ROOT / "tests" / "conversations" / "data" / "media_list.png"
RAM = "+9779800000001"
pytestmark = [pytest.mark.timeout(600),
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs chromium (apt-get install chromium)")]


# per chart: values above 0, elements drawn away from the axis (bars with a length, line points on the
# canvas), and pixels neither blank nor near-white
CHART_STATE = """() => Object.fromEntries(Object.entries(window.khaachoCharts).map(([id, c]) => {
    const points = c.data.datasets.flatMap((d) => d.data).filter((v) => v !== null && Number(v) > 0).length;
    const across = c.options.indexAxis === 'y';
    const elements = c.data.datasets.flatMap((d, i) => c.getDatasetMeta(i).data).filter((e) =>
        c.config.type === 'line' ? Number.isFinite(e.y) : Math.abs(e.base - (across ? e.x : e.y)) > 1).length;
    const px = c.canvas.getContext('2d').getImageData(0, 0, c.canvas.width, c.canvas.height).data;
    let coloured = 0;
    for (let i = 0; i < px.length; i += 4) {
        if (px[i + 3] > 0 && !(px[i] > 200 && px[i + 1] > 200 && px[i + 2] > 200)) coloured++;
    }
    return [id, {points, elements, coloured}];
}))"""


@dataclasses.dataclass
class Site:
    base: str
    app: Any
    stub: Any

    async def sql(self, query: str, *args: Any) -> Any:
        async with self.app[RUNTIME].pool.acquire() as conn:
            return await conn.fetchval(query, *args)


@pytest.fixture
async def site(aiohttp_server, stub) -> AsyncIterator[Site]:  # type: ignore[no-untyped-def]
    config = console_config(make_config(TWILIO_API_BASE_URL=stub.base_url))
    app = create_app(config)
    server = await aiohttp_server(app)
    runtime = app[RUNTIME]
    await reset_database(runtime)
    await seed_demo(config.secrets.database_url or "")
    await runtime.nlu.refresh(runtime.pool, force=True)  # the catalogue came after the start
    sender = make_sender(runtime.config)
    outbox = make_outbox(runtime, sender)
    stop = asyncio.Event()

    async def pump() -> None:  # the worker's part: send what the outbox holds, to the Twilio stub
        while not stop.is_set():
            await outbox.drain()
            await asyncio.sleep(0.05)

    task = asyncio.create_task(pump())
    try:
        yield Site(str(server.make_url("")).rstrip("/"), app, stub)
    finally:  # the worker's stand-in stops as a killed worker does: mid-send if need be
        stop.set()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await sender.close()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    async with playwright_api.async_playwright() as p:
        launched = await p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        await launched.close()


def column(page: Any, role: str) -> Any:
    return page.locator(f"section.phone[data-role={role}]")


async def say(page: Any, role: str, text: str) -> None:
    box = column(page, role).locator("input[name=text]")
    await box.fill(text)
    await box.press("Enter")


async def press(page: Any, role: str, title: str) -> None:
    """Tap the button titled `title` under the newest received message that has one."""
    button = column(page, role).locator("li.msg.in .buttons button", has_text=re.compile(f"^{title}$")).last
    await button.wait_for(timeout=20_000)
    await button.click()


async def expect_message(page: Any, role: str, pattern: str, timeout: float = 20_000) -> Any:
    """The newest received bubble of the column matching `pattern` (received: from the outbox stream)."""
    bubble = column(page, role).locator("li.msg.in", has_text=re.compile(pattern)).last
    try:
        await bubble.wait_for(timeout=timeout)
    except playwright_api.TimeoutError:
        said = await column(page, role).locator(".log").inner_text()
        raise AssertionError(f"{role} never received /{pattern}/; the column shows:\n{said}") from None
    return bubble


async def choose(page: Any, role: str, phone: str) -> None:
    await column(page, role).locator("select.who").select_option(phone)


async def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def drawn(page: Any) -> dict[str, dict[str, int]]:
    """Per chart: data points given, elements drawn with a size, and coloured pixels on the canvas."""
    return await page.evaluate(CHART_STATE)


async def test_a_day_at_the_console(site: Site, browser: Any) -> None:
    page = await browser.new_page(viewport={"width": 1360, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await page.goto(site.base + "/")
    await choose(page, "retailer", RAM)

    # a retailer orders and confirms; the draft's reply arrives through the outbox stream
    await say(page, "retailer", "2 kg chini ra 5 packet wai wai")
    await expect_message(page, "retailer", r"Total: Rs 335\.80")
    await press(page, "retailer", "Confirm")  # the draft's button sends its payload, read as "yes"
    await expect_message(page, "retailer", r"Order #1001 confirmed")
    vendor = await site.sql("SELECT u.phone FROM order_offers o JOIN users u ON u.id = o.vendor_id"
                            " WHERE o.order_id = 1001 ORDER BY o.offered_at DESC LIMIT 1")
    await choose(page, "vendor", vendor)
    await expect_message(page, "vendor", r"New order #1001")
    await press(page, "vendor", "Accept")
    await expect_message(page, "vendor", "You accepted order #1001")
    for text, answer in (("dispatched 1001", "dispatched"), ("delivered 1001", "delivered")):
        await say(page, "vendor", text)
        await expect_message(page, "vendor", answer)
    await expect_message(page, "retailer", r"Order #1001 was delivered")
    await choose(page, "admin", ADMIN)
    await say(page, "admin", "/stats today")
    await expect_message(page, "admin", r"GMV")
    assert await site.sql("SELECT status FROM orders WHERE id = 1001") == "DELIVERED"

    # a second order stays open for the dashboard to cancel
    await say(page, "retailer", "3 packet wai wai")
    await expect_message(page, "retailer", r"Total: Rs 65\.40")
    await say(page, "retailer", "yes")
    await expect_message(page, "retailer", r"Order #1002 confirmed")

    # a photo of a handwritten list: stored, acknowledged, read by the media job into a draft
    await column(page, "retailer").locator("input[type=file]").set_input_files(str(PHOTO))
    await expect_message(page, "retailer", r"Reading your photo")
    ctx = {"config": site.app[RUNTIME].config, "pool": site.app[RUNTIME].pool, "clock": site.app[RUNTIME].clock,
           "runtime": site.app[RUNTIME], "intake": site.app[RUNTIME].intake}
    assert await process_media(ctx) == 1
    await expect_message(page, "retailer", r"Sugar \(loose\): 2 kg", timeout=30_000)
    # delivery status, live: Twilio's signed callback says the first reply was delivered
    first = await site.sql("SELECT min(id) FROM outbound_messages WHERE recipient = $1", RAM)
    badge = column(page, "retailer").locator(f"li.msg.in[data-id='{first}'] .status")
    await badge.filter(has_text="sent").wait_for()
    form = {"MessageSid": await site.sql("SELECT provider_sid FROM outbound_messages WHERE id = $1", first),
            "MessageStatus": "delivered"}
    url = site.base + "/webhooks/twilio/status"
    async with aiohttp.ClientSession() as http:
        answer = await http.post(url, data=form, headers={"X-Twilio-Signature": sign(TEST_ENV["TWILIO_AUTH_TOKEN"],
                                                                                     url, form)})
        assert answer.status == 204
    await badge.filter(has_text="delivered").wait_for(timeout=5_000)
    await shot(page, "simulator")

    # the operator logs in with the code the Twilio stub received
    await page.goto(site.base + "/admin/orders")
    assert page.url.endswith("/admin/login")
    await page.fill("input[name=phone]", ADMIN)
    await page.click("button[name=step]")
    await page.wait_for_selector("input[name=code]")
    code = None
    for _ in range(100):
        sent = [m.body for m in site.stub.to(ADMIN) if "console code" in m.body]
        if sent:
            code = CODE.search(sent[-1]).group(1)  # type: ignore[union-attr]
            break
        await asyncio.sleep(0.1)
    assert code, "no login code reached the Twilio stub"
    await shot(page, "login")
    await page.fill("input[name=code]", code)
    await page.click("button[value=code]")
    await page.wait_for_url(site.base + "/admin")

    # every page draws its data; the overview's charts each hold points and painted them
    for path, (_, name) in PAGES.items():
        url = path.replace("{order_id:[0-9]{1,18}}", "1001")
        await page.goto(site.base + url)
        await page.wait_for_selector("#page[data-loaded]")
        assert await page.locator("#content .error").count() == 0, url
        await shot(page, f"admin_{name}")
        if name == "overview":
            charts = await drawn(page)
            assert set(charts) == {"gmv", "status", "failures", "fulfilment", "products", "grades", "response"}
            for chart_id, seen in charts.items():
                if chart_id == "failures":
                    continue  # nothing has failed yet: checked after the cancellation below
                assert seen["points"] >= 1 and seen["elements"] >= 1 and seen["coloured"] > 200, (chart_id, seen)
        if name == "orders":
            assert await page.locator("#content a[href='/admin/orders/1001']").count() == 1
        if name == "order":
            assert "DELIVERED" in await page.locator("#content").inner_text()

    # act on an order: cancel #1002 from its page, with a reason, and see it cancelled
    await page.goto(site.base + "/admin/orders/1002")
    await page.wait_for_selector("#page[data-loaded]")
    cancel = page.locator("form[data-action=cancel]")
    await cancel.locator("input[name=reason]").fill("shop closed today")
    await cancel.locator("button").click()
    await page.locator("#result", has_text="cancelled").wait_for(timeout=20_000)
    await page.locator("#content .card", has_text="CANCELLED").wait_for(timeout=10_000)
    assert await site.sql("SELECT status FROM orders WHERE id = 1002") == "CANCELLED"
    assert await site.sql("SELECT count(*) FROM audit_log WHERE action = 'command /cancel' AND subject = 'order #1002'"
                        " AND actor = $1", ADMIN) == 1
    await shot(page, "admin_order_cancelled")

    await page.goto(site.base + "/admin")
    await page.wait_for_selector("#page[data-loaded]")
    failures = (await drawn(page))["failures"]
    assert failures["points"] == 1 and failures["elements"] == 1, failures

    # the dashboard at a phone's width: nothing wider than the screen
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.reload()
    await page.wait_for_selector("#page[data-loaded]")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await shot(page, "admin_overview_phone")
    assert errors == []
