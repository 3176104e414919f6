"""100 confirmations of one retailer's drafts from two processes at once, credit for 13 of them; then
the 13 acceptances race for stock for 7: credit never over the limit, stock never below zero, exactly
the orders that fit go through (bench/confirm_race.py runs 1,000)."""

from __future__ import annotations

import asyncio
import os

import pytest

from tests.support.confirm_race import race, seed, standing


@pytest.mark.timeout(300)
async def test_racing_confirmations_and_acceptances_take_exactly_what_fits() -> None:
    url = os.environ["DATABASE_URL"]
    r = await seed(url, orders=100, credit_for=13, stock_for=7)
    await asyncio.to_thread(race, "confirm", url, r.order_ids)
    after = await standing(url, r)
    assert after.outstanding <= r.credit_limit
    assert after.confirmed == 13, after
    assert after.outstanding == r.credit_limit
    await asyncio.to_thread(race, "accept", url, r.order_ids)
    after = await standing(url, r)
    assert after.stock >= 0
    assert after.accepted == 7, after
    assert after.stock == 0
