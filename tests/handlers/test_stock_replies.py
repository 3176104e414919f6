"""A vendor's stock messages: a report request is not read as a stock update, and an update is not a
report; neither filter raises on any text."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers import stock
from handlers.context import Turn
from handlers.routing import VENDOR


def turn(text: str) -> Turn:
    return Turn(message_id=1, phone="+9779800000101", text=text, role=VENDOR, user=None, convo=None)


def chosen(text: str) -> str | None:
    for handler in stock.router.handlers:
        if asyncio.run(handler.match({"turn": turn(text)})) is not None:
            return handler.func.__name__
    return None


@pytest.mark.parametrize("text", ["stock report", "Stock Report", "stock kati cha?", "stock kati chha",
                                  "mero stock dekhau", "stock kitna hai", "स्टक रिपोर्ट", "स्टॉक कितना है",
                                  "मौज्दात रिपोर्ट", "my stock list"])
def test_report_requests(text: str) -> None:
    assert chosen(text) == "report_stock"


@pytest.mark.parametrize("text", ["stock chini 500 kg", "stock rara 20 carton, coke 48 bottle",
                                  "stock report chini 5 kg", "stock kati cha chini"])
def test_updates_are_not_reports(text: str) -> None:
    assert chosen(text) == "update_stock"


@given(st.text(max_size=80))
def test_never_raises(text: str) -> None:
    assert chosen(text) in (None, "report_stock", "update_stock")
