"""Vendor replies: each action has its own handler, and the first that matches is the action the
whole grammar reads (accept before reject before dispatched before delivered)."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers import vendor
from handlers.context import Turn
from handlers.routing import VENDOR


def turn(text: str) -> Turn:
    return Turn(message_id=1, phone="+9779800000101", text=text, role=VENDOR, user=None, convo=None)


def chosen(text: str) -> tuple[str, dict[str, object]] | None:
    """The vendor handler that answers `text` and the values its filter hands it."""
    for handler in vendor.router.handlers:
        found = asyncio.run(handler.match({"turn": turn(text)}))
        if found is not None:
            return handler.func.__name__, found
    return None


def test_one_handler_per_action() -> None:
    names = [h.func.__name__ for h in vendor.router.handlers]
    assert names == ["accept", "accept_part", "reject", "dispatched", "delivered"]


@pytest.mark.parametrize(("text", "action", "order_id", "rest"), [
    ("ACCEPT 1042", "accept", 1042, ""), ("ok", "accept", None, ""), ("👍", "accept", None, ""),
    ("accept 1042 without coke", "accept", 1042, "coke"), ("REJECT 1042 out of stock", "reject", 1042, "out of stock"),
    ("no", "reject", None, ""), ("dispatched 1042", "dispatched", 1042, ""), ("pathayo #7", "dispatched", 7, ""),
    ("delivered 1042", "delivered", 1042, ""), ("pugyo", "delivered", None, ""),
])
def test_each_reply_reaches_its_action(text: str, action: str, order_id: int | None, rest: str) -> None:
    assert chosen(text) == (action, {"action": action, "order_id": order_id, "rest": rest})


@pytest.mark.parametrize("text", ["stock chini 5 kg", "namaste", "accepted it yesterday", "payment ok 12"])
def test_other_messages_reach_no_vendor_action(text: str) -> None:
    assert chosen(text) is None and vendor.vendor_command(turn(text)) is None


WORDS = st.sampled_from(["accept", "ok", "yes", "reject", "no", "dispatched", "sent", "delivered", "pugyo",
                         "without", "bina", "coke", "#", "1042", "7", " ", ".", "!", "👍", "❌"])


@given(st.lists(WORDS, max_size=6).map(" ".join))
def test_the_handler_chosen_is_the_action_the_grammar_reads(text: str) -> None:
    command = vendor.vendor_command(turn(text))
    found = chosen(text)
    assert (found[0] if found else None) == (command["action"] if command else None)
