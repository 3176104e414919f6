"""Numbers past their bound are refused with a short answer, never handed to PostgreSQL (issue 11:
huge order numbers and quantities raised inside PostgreSQL, failed the message, and 20 of them in ten
minutes switched safe mode on for everyone)."""

from __future__ import annotations

import pytest

from bot.local import LocalSession
from jobs.safe_mode import watch_safe_mode
from services import UnitOfWork, safe_mode
from tests.support.pipeline_fuzz import ADMIN, RETAILERS, VENDORS, cast

HUGE = "99999999999999999999"
RAM, GITA = RETAILERS[0], RETAILERS[2]
SITA = VENDORS[0]

CASES = [  # (sender, text, a word the answer has)
    (SITA, f"accept {HUGE}", "1,000,000,000,000"),
    (SITA, f"reject {HUGE} out of stock", "1,000,000,000,000"),
    (SITA, f"dispatched {HUGE}", "1,000,000,000,000"),
    (SITA, f"payment ok {HUGE}", "1,000,000,000,000"),
    (SITA, "accept " + "9" * 5000, "1,000,000,000,000"),
    (SITA, f"stock chini {HUGE} kg", "stock"),
    (RAM, f"{HUGE} kg chini", "quantity"),
    (RAM, "1" * 400 + " bottle tori tel", "quantity"),  # past float range, on a counted unit
    (RAM, "wai wai " + "9" * 400 + " packet thap", "quantity"),
    (RAM, f"order {HUGE} kaha pugyo", "order"),  # the parser reads no order number this long
    (RAM, f"{HUGE} pathaye esewa bata", "amount"),
    (ADMIN, f"/order {HUGE}", "not an order number"),
    (ADMIN, f"/cancel {HUGE} duplicate", "not an order number"),
    (ADMIN, f"/heal {HUGE}", "not an order number"),
    (ADMIN, f"/credit Ram limit {HUGE}", "not an amount"),
    (ADMIN, "/credit Ram limit 1e30", "not an amount"),
    (ADMIN, f"/payment confirm {HUGE}", "not a payment number"),
    (ADMIN, f"/ticket resolve {HUGE} done", "not a ticket number"),
    (ADMIN, f"/safemode on {HUGE}d", "Usage"),
    (ADMIN, f"/stats {HUGE}d", "Usage"),
    (ADMIN, "/stats 999999w", "Usage"),
]


@pytest.fixture
async def session(runtime):  # type: ignore[no-untyped-def]
    await cast(runtime)
    return LocalSession(runtime)


async def _statuses(runtime) -> list[str]:  # type: ignore[no-untyped-def]
    async with runtime.pool.acquire() as conn:
        return [r["status"] for r in await conn.fetch("SELECT status FROM inbound_messages ORDER BY id")]


@pytest.mark.parametrize(("sender", "text", "says"), CASES, ids=[c[1][:40] for c in CASES])
async def test_an_oversized_number_gets_one_short_answer(runtime, session, sender, text, says) -> None:
    sent = await session.say(sender, text)
    assert await _statuses(runtime) == ["done"]
    mine = [m.body for m in sent if m.recipient == sender]
    assert len(mine) == 1, mine
    assert says.lower() in mine[0].lower()
    assert "went wrong" not in mine[0]


async def test_the_answer_is_in_the_senders_language(runtime, session) -> None:
    (answer,) = [m.body for m in await session.say(GITA, f"{HUGE} kg chini") if m.recipient == GITA]
    assert "परिमाण" in answer


async def test_a_refused_number_leaves_the_draft_as_it_was(runtime, session) -> None:
    await session.say(RAM, "2 kg chini")
    async with runtime.pool.acquire() as conn:
        before = await conn.fetch("SELECT sku, quantity FROM order_items ORDER BY sku")
    await session.say(RAM, f"add {HUGE} kg chini")
    async with runtime.pool.acquire() as conn:
        assert await conn.fetch("SELECT sku, quantity FROM order_items ORDER BY sku") == before
        assert await conn.fetchval("SELECT state FROM conversations WHERE phone = $1", RAM) == "order.confirm"


async def test_many_oversized_numbers_do_not_switch_safe_mode_on(runtime, session) -> None:
    for i in range(25):
        sender, text, _ = CASES[i % len(CASES)]
        await session.say(sender, text)
    assert set(await _statuses(runtime)) == {"done"}
    result = await watch_safe_mode(session.job_context())
    assert result["switched_on"] is None
    async with UnitOfWork(runtime.pool) as uow:
        assert not await safe_mode.is_safe_mode(uow, runtime.clock.now())
