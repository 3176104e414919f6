"""Properties of the message kinds beyond text: whatever a cart, reaction, edit, deletion or location
holds, parsing gives a storable message or nothing, and coordinates are a place or None."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.meta import parse_message
from domain.geo import read_point

_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                     lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                     max_leaves=25)
_item = st.fixed_dictionaries({}, optional={"product_retailer_id": _json, "quantity": _json, "item_price": _json})
_bodies = {
    "order": st.fixed_dictionaries({}, optional={"catalog_id": _json, "text": _json,
                                                 "product_items": st.lists(_item, max_size=5) | _json}),
    "reaction": st.fixed_dictionaries({}, optional={"message_id": _json, "emoji": _json}),
    "revoke": st.fixed_dictionaries({}, optional={"original_message_id": _json}),
    "edit": st.fixed_dictionaries({}, optional={"original_message_id": _json, "message": _json | st.fixed_dictionaries(
        {"type": st.sampled_from(["text", "image", "edit", "order", "location"])}, optional={"text": _json})}),
    "location": st.fixed_dictionaries({}, optional={"latitude": _json, "longitude": _json}),
}


@given(st.sampled_from(sorted(_bodies)).flatmap(lambda kind: st.tuples(st.just(kind), _bodies[kind])))
@settings(max_examples=300, deadline=None)
def test_every_kind_parses_to_a_storable_message_or_nothing(case: tuple[str, Any]) -> None:
    kind, body = case
    message = parse_message({"id": "wamid.F", "from": "9779800000001", "type": kind, kind: body})
    if message is None:
        return
    json.dumps(message.extra)  # the inbox stores it as JSON
    items = message.extra.get("OrderItems", [])
    assert all(isinstance(i["sku"], str) and i["sku"] for i in items)
    assert all(not isinstance(i["quantity"], float) for i in items)  # prices and odd numbers never pass as ints


@given(_json, _json)
def test_coordinates_are_a_place_or_none(lat: Any, lon: Any) -> None:
    point = read_point(lat, lon)
    assert point is None or (-90 <= point[0] <= 90 and -180 <= point[1] <= 180)
