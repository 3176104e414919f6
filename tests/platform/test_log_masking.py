"""Phone numbers in logs keep only their last 4 digits: in messages, arguments, extra fields, tracebacks."""

from __future__ import annotations

import json
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.logs import JsonFormatter, PhoneMask, mask_phones

PHONE = "+9779800000011"


@pytest.fixture
def masked(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.handler.addFilter(PhoneMask())  # what setup_logging puts on every handler it installs
    caplog.set_level(logging.INFO)
    return caplog


def test_phone_numbers_are_masked_wherever_they_appear(masked: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("khaacho.test")
    log.info("message from whatsapp:%s", PHONE, extra={"phone": PHONE, "recipient": "9779800000011",
                                                        "outbox_id": 42, "sid": "SM00000000000000000000000000000001"})
    log.warning(f"order for {PHONE} and 9800000012")
    try:
        raise ValueError(f"no user {PHONE}")
    except ValueError:
        log.exception("failed")
    text = masked.text + "".join(JsonFormatter().format(r) for r in masked.records)
    assert "9800000011" not in text and "9800000012" not in text and "97798" not in text
    first = masked.records[0]
    assert first.getMessage() == "message from whatsapp:+*********0011"
    assert (first.phone, first.recipient, first.outbox_id) == ("+*********0011", "*********0011", 42)
    assert first.sid == "SM00000000000000000000000000000001", "ids are not phone numbers"
    line = json.loads(JsonFormatter().format(masked.records[2]))
    assert "+*********0011" in line["exc"]


@given(st.from_regex(r"\+?[1-9]\d{9,13}", fullmatch=True))
def test_masking_keeps_the_last_four_digits_and_nothing_else(phone: str) -> None:
    out = mask_phones(f"to {phone}.")
    assert out == f"to {phone[0] if phone[0] == '+' else '*'}{'*' * (len(phone) - 5)}{phone[-4:]}."


@pytest.mark.parametrize("text", ["order #12 of 2026-11-02", "total Rs 4500.50", "took 1234 ms",
                                  "SM00000000000000000000000000000001", "id 123456789"])
def test_other_numbers_are_left_alone(text: str) -> None:
    assert mask_phones(text) == text
