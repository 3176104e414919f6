"""Internal names never reach people: the replay runner's check (testing.leaks) and the reason texts."""

from __future__ import annotations

import string

import pytest
import yaml

import bot.runtime  # noqa: F401  (loads every module whose exception names are checked)
from domain.orders import OrderStatus
from domain.reasons import Reason
from services.texts import MESSAGES, REASON_KEYS, Texts
from testing.leaks import leaks

LANGUAGES = sorted(p.stem for p in MESSAGES.glob("*.yml"))


@pytest.mark.parametrize("body, found", [
    ("Order #1001 was cancelled: self-healing: vendor silent.", "self-healing"),
    ("Order #1001 is already confirmed (status: pending_vendor).", "pending_vendor"),
    ("Order #1001 is PENDING_VENDOR", "PENDING_VENDOR"),
    ("Order #1001 failed: no_vendor_can_supply", "no_vendor_can_supply"),
    ("Sorry: KeyError", "KeyError"),
    ("Sorry: IllegalTransition", "IllegalTransition"),
    ("job order_timeouts failed", "order_timeouts"),
    ("Total <storage.repos.orders.Order object at 0x7f3a2b>", "<storage.repos.orders.Order object at 0x7f3a2b>"),
    ("Total: Decimal('12.50')", "Decimal("),
    ("Vendor: None", ": None"),
    ("Hello {name}", "{name}"),
])
def test_internal_names_are_found(body: str, found: str) -> None:
    assert found in leaks(body)


@pytest.mark.parametrize("body", [
    "Order #1001 was cancelled: no vendor answered in time. Any credit it held is released.",
    "Reply ACCEPT 1001 or REJECT 1001 reason. To leave items out: ACCEPT 1001 without coke",
    "None of your items are in stock.", "Order #1001 is waiting for a vendor.",
])
def test_plain_words_pass(body: str) -> None:
    assert leaks(body) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_names_an_internal_thing(language: str) -> None:
    table = yaml.safe_load((MESSAGES / f"{language}.yml").read_text(encoding="utf-8"))
    bad = {}
    for key, template in table.items():
        if key.startswith("admin_"):
            continue  # the ops desk reads codes and commands
        names = {n for _, n, _, _ in string.Formatter().parse(template) if n}
        if found := leaks(template.format(**dict.fromkeys(names, "x"))):
            bad[key] = found
    assert not bad


@pytest.mark.parametrize("language", LANGUAGES)
def test_codes_become_words_in_the_readers_language(language: str) -> None:
    texts = Texts()
    assert set(REASON_KEYS) == set(Reason)
    for reason in Reason:
        said = texts.render("order_cancelled_for_you", language, order_id=1, reason=reason)
        assert texts.render(REASON_KEYS[reason], language) in said and not leaks(said)
    said = texts.render("order_already_confirmed", language, order_id=1, status=OrderStatus.PENDING_VENDOR)
    assert texts.render("status_pending_vendor", language) in said and "PENDING" not in said.upper()
