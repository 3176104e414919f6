from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.service_window import (
    WINDOW,
    Delivery,
    Template,
    TextRef,
    Translation,
    delivery,
    fill,
    one_line,
    within_window,
)

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
REMINDER = Template(name="reorder_reminder", variables=["name", "order_id", "lines"],
                    languages={"en": Translation(code="en", sid="HX" + "1" * 32),
                               "hi": Translation(code="hi", sid="HX" + "2" * 32)})
TEMPLATES = {"reorder_reminder": REMINDER}
PARAMS = {"name": "Ram Kirana", "order_id": "1003", "lines": "• Sugar: 2 kg\n• Rice: 5 kg"}


@pytest.mark.parametrize(
    ("last_inbound", "inside"),
    [
        (None, False),
        (T0 - timedelta(hours=1), True),
        (T0 - WINDOW + timedelta(seconds=1), True),
        (T0 - WINDOW, False),  # exactly 24 h: closed
        (T0 - timedelta(days=3), False),
        (T0 + timedelta(seconds=5), True),  # a little clock skew between hosts
    ],
)
def test_within_window(last_inbound, inside):
    assert within_window(last_inbound, T0) is inside


def test_the_template_is_filled_in_its_variable_order_in_the_recipients_language():
    filled = fill(TextRef("reorder_reminder", "hi", PARAMS), TEMPLATES, "en", "twilio")
    assert filled is not None and filled.sid == "HX" + "2" * 32 and filled.language == "hi"
    assert filled.variables() == {"1": "Ram Kirana", "2": "1003", "3": "• Sugar: 2 kg; • Rice: 5 kg"}


def test_a_language_without_a_translation_falls_back():
    filled = fill(TextRef("reorder_reminder", "ne-deva", PARAMS), TEMPLATES, "en", "meta")
    assert filled is not None and (filled.name, filled.language) == ("reorder_reminder", "en")
    assert fill(TextRef("reorder_reminder", "ne-deva", PARAMS), TEMPLATES, "ne", "meta") is None


@pytest.mark.parametrize(("ref", "provider"), [
    (TextRef("order_dispatched", "en", PARAMS), "meta"),                        # no template for this text
    (TextRef("reorder_reminder", "en", {"name": "Ram"}), "meta"),               # a variable it lacks
])
def test_no_template_fits(ref, provider):
    assert fill(ref, TEMPLATES, "en", provider) is None


def test_each_provider_needs_its_own_identifier():
    meta_only = {"reorder_reminder": Template(name="reorder_reminder", variables=["name"],
                                              languages={"en": Translation(code="en")})}
    ref = TextRef("reorder_reminder", "en", PARAMS)
    assert fill(ref, meta_only, "en", "meta") is not None
    assert fill(ref, meta_only, "en", "twilio") is None, "Twilio sends by Content SID"


def test_delivery_inside_outside_and_held():
    filled = fill(TextRef("reorder_reminder", "en", PARAMS), TEMPLATES, "en", "meta")
    assert delivery(T0 - timedelta(hours=2), T0, filled) is Delivery.TEXT
    assert delivery(T0 - timedelta(hours=2), T0, None) is Delivery.TEXT
    assert delivery(T0 - timedelta(days=2), T0, filled) is Delivery.TEMPLATE
    assert delivery(None, T0, None) is Delivery.HOLD


@given(st.text())
def test_a_variable_never_holds_what_whatsapp_refuses(text):
    value = one_line(text)
    assert "\n" not in value and "\t" not in value and "\r" not in value and "    " not in value
