"""Interactive replies: WhatsApp's limits at construction, the JSON round trip, typed answers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.interactive import (
    Button,
    Interactive,
    ListRow,
    ListSection,
    buttons,
    clip,
    fallback_text,
    say,
    tapped,
    typed,
)


def test_buttons_round_trip_and_stand_for_typed_text() -> None:
    shown = buttons((say("YES"), "Confirm"), (say("NO"), "Cancel"))
    assert Interactive.from_json(shown.to_json()) == shown
    assert shown.to_json() == {"kind": "buttons", "buttons": [{"id": "say:YES", "title": "Confirm"},
                                                             {"id": "say:NO", "title": "Cancel"}]}
    assert [typed(b.id) for b in shown.buttons] == ["YES", "NO"]
    assert typed("media:4") is None and typed("say:") is None and typed(None) is None


@pytest.mark.parametrize("make", [
    lambda: Interactive("buttons", buttons=()),
    lambda: buttons(*[(f"b{i}", f"B{i}") for i in range(4)]),
    lambda: Button("x", "a title of twenty-one"),
    lambda: Button("", "ok"),
    lambda: Button("x", "   "),
    lambda: buttons(("a", "Same"), ("b", "Same")),
    lambda: ListRow("x", "a row title of twenty-five"),
    lambda: ListRow("x", "ok", "d" * 73),
    lambda: ListSection("s", ()),
    lambda: Interactive("list", sections=(ListSection("", tuple(ListRow(str(i), f"r{i}") for i in range(11))),),
                        button_label="Choose"),
    lambda: Interactive("list", sections=(ListSection("", (ListRow("a", "A"),)),), button_label=""),
    lambda: Interactive("list", sections=(ListSection("", (ListRow("a", "A"),)),
                                          ListSection("t", (ListRow("b", "B"),))), button_label="Choose"),
    lambda: Interactive("list", buttons=(Button("a", "A"),), sections=(ListSection("", (ListRow("a", "A"),)),),
                        button_label="Choose"),
    lambda: Interactive("carousel"),  # type: ignore[arg-type]
])
def test_what_whatsapp_refuses_cannot_be_built(make: Any) -> None:
    with pytest.raises(ValueError):
        make()


def test_a_list_of_ten_rows_at_the_limits() -> None:
    rows = tuple(ListRow(f"r{i}", "t" * 24, "d" * 72) for i in range(10))
    shown = Interactive("list", sections=(ListSection("Sugar", rows[:5]), ListSection("Coke", rows[5:])),
                        button_label="c" * 20)
    assert Interactive.from_json(shown.to_json()) == shown
    assert len(shown.choices) == 10


def test_typed_numbers_and_titles_pick_what_was_shown() -> None:
    shown = buttons((say("YES"), "Confirm"), (say("EDIT"), "Edit"), (say("NO"), "Cancel"))
    assert [tapped(shown, t) for t in ("1", "2.", " 3) ", "confirm", "4", "0", "yes", "१", "1 2")] == \
        ["say:YES", "say:EDIT", "say:NO", None, None, None, None, None, None]
    assert tapped(None, "1") is None
    assert fallback_text("Your draft", shown) == "Your draft\n\n1) Confirm\n2) Edit\n3) Cancel"


def test_clip_keeps_titles_within_the_limit() -> None:
    assert clip("Coca-Cola 250 ml glass bottle", 24) == "Coca-Cola 250 ml glass…"
    assert clip("Wai Wai Chicken Noodles 75 g packet", 24) == "Wai Wai Chicken Noodles…"
    assert clip("Coke", 24) == "Coke"


_text = st.text(max_size=8)
_json = st.recursive(st.none() | st.booleans() | st.integers() | _text,
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
                     max_leaves=6)


@given(st.dictionaries(st.sampled_from(["kind", "buttons", "sections", "button_label", "rows", "id", "title"]),
                       _json, max_size=5))
def test_from_json_takes_a_message_or_raises_value_error(data: dict[str, Any]) -> None:
    try:
        shown = Interactive.from_json(data)
    except ValueError:
        return
    assert Interactive.from_json(shown.to_json()) == shown


@given(st.lists(st.tuples(_text, _text), min_size=0, max_size=5))
def test_buttons_are_built_within_the_limits_or_refused(pairs: list[tuple[str, str]]) -> None:
    try:
        shown = buttons(*pairs)
    except ValueError:
        return
    assert 1 <= len(shown.buttons) <= 3 and all(0 < len(b.title) <= 20 for b in shown.buttons)
