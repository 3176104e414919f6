"""Only a vendor's message sets prices: the same words from a retailer, an admin or an unknown
number never reach the price handler (a retailer's "chini rate 102" is a price question)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers import routers, vendor_prices
from handlers.context import Turn
from handlers.routing import ADMIN, RETAILER, UNKNOWN, VENDOR
from nlu.catalog_csv import read_catalog_csv
from nlu.catalog_index import CatalogIndex
from nlu.pipeline import NluPipeline

DEMO = Path(__file__).resolve().parents[2] / "data" / "catalog" / "demo.csv"
NLU = SimpleNamespace(pipeline=NluPipeline(None, CatalogIndex(read_catalog_csv(DEMO)[0])))
PRICE_WORDS = st.sampled_from(["chini", "rara", "carton", "kilo", "rate", "ko", "bhau", "भाउ", "चिनी", "१०२", "102",
                               "540", "0", "-5", "rupaiya", "\n", ",", "accept", "1042", "stock", "blorfle"])


def matched(text: str, role: str) -> dict[str, Any] | None:
    turn = Turn(message_id=1, phone="+9779800000101", text=text, role=role, user=None, convo=None)
    [handler] = vendor_prices.router.handlers
    return asyncio.run(handler.match({"turn": turn, "nlu": NLU}))


def test_the_price_router_comes_after_the_vendor_actions_and_stock() -> None:
    names = [r.name for r in routers()]
    assert names.index("stock") < names.index("vendor") < names.index("vendor_prices") < names.index("inquiry")


@pytest.mark.parametrize("text", ["chini rate 102", "rara 540 carton", "चिनी को भाउ १०२", "cheeni 45 kilo"])
def test_a_vendors_price_reaches_the_handler_and_nobody_elses(text: str) -> None:
    found = matched(text, VENDOR)
    assert found is not None and [li.understood for li in found["lines"]] == [True]
    assert all(matched(text, role) is None for role in (RETAILER, ADMIN, UNKNOWN))


@pytest.mark.parametrize("text", ["namaste", "accept 1042", "stock report", "1042", "blorfle 30"])
def test_a_vendor_message_without_a_known_product_and_price_is_left_to_others(text: str) -> None:
    assert matched(text, VENDOR) is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=80), st.lists(PRICE_WORDS, max_size=8).map(" ".join)),
       st.sampled_from([RETAILER, ADMIN, UNKNOWN]))
def test_no_text_from_a_non_vendor_reaches_the_price_handler(text: str, role: str) -> None:
    assert matched(text, role) is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=80), st.lists(PRICE_WORDS, max_size=8).map(" ".join)))
def test_any_vendor_text_is_matched_or_not_without_raising(text: str) -> None:
    found = matched(text, VENDOR)
    assert found is None or any(li.understood for li in found["lines"])
