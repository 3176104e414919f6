"""A question and an order in one message (nlu.compound): the order is taken, the question kept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlu.compound import ordered_and_asked
from nlu.types import Candidate, ParsedItem


@pytest.mark.parametrize(("text", "ordered", "asked"), [
    ("magi chaina, mayos 1 carton", ["MAYOS-CTN"], ["MAGGI-PKT"]),
    ("mayos 1 carton, maggi chaina", ["MAYOS-CTN"], ["MAGGI-PKT"]),
    ("dal chaina, chini 5 kg pathaidinu", ["SUGAR-LOOSE"], [None]),  # which dal: still a question
    ("coke cha? 2 crate pathaidinu", ["COKE-250-CRATE"], []),
    ("rara cha? 1 carton pathaunu", ["RARA-CTN"], []),
    ("कोक छ? २ क्रेट पठाइदिनु", ["COKE-250-CRATE"], []),
])
def test_the_order_is_taken_and_the_question_kept(rules_pipeline, text, ordered, asked) -> None:
    parse = rules_pipeline.parse(text)
    assert parse.intent == "order"
    assert [i.sku for i in parse.items] == ordered
    assert all(i.quantity is not None for i in parse.items)
    if asked:
        assert parse.question is not None and parse.question.intent == "inquiry_stock"
        assert [i.sku for i in parse.question.items] == asked
    else:
        assert parse.question is None


@pytest.mark.parametrize("text", [
    "2 crate coke cha?",                     # the amount is what is asked about
    "chini 5 kg ra dal 2 kg kati parcha",    # one question about both amounts
    "2 crate coke ko rate dinu",             # "give the rate": not "send"
    "maggi chaina",
    "surf excel 1 kg ko price kati?",        # a pack size, not an amount
])
def test_a_question_alone_stays_a_question(rules_pipeline, text) -> None:
    parse = rules_pipeline.parse(text)
    assert parse.intent in ("inquiry_stock", "inquiry_price")
    assert parse.question is None


_items = st.builds(
    ParsedItem,
    text=st.lists(st.sampled_from(["coke", "chini", "cha", "chaina", "kati", "ko", "2", "crate", "rate"]),
                  min_size=1, max_size=5).map(" ".join),
    sku=st.one_of(st.none(), st.sampled_from(["A", "B", "C"])),
    name=st.none(),
    quantity=st.one_of(st.none(), st.floats(0.5, 50)),
    unit=st.none(),
    score=st.floats(0, 100),
    candidates=st.lists(st.builds(Candidate, sku=st.sampled_from(["A", "B"]), name=st.just("x"),
                                  score=st.floats(0, 100)), max_size=2),
    ambiguous=st.booleans(),
)


@given(st.lists(_items, max_size=5), st.lists(st.sampled_from(["pathaidinu", "cha", "kati", "dinu", "bhejo"]),
                                              max_size=3))
def test_nothing_said_is_lost_and_only_amounts_are_ordered(items, extra) -> None:
    tokens = [w for i in items for w in i.text.split()] + extra
    split = ordered_and_asked(items, tokens, 80.0)
    if split is None:
        return
    ordered, asked = split
    assert ordered and all(i.quantity is not None and i.score >= 80.0 for i in ordered)
    named = [i for i in items if i.sku or i.candidates or i in ordered]
    assert sorted(map(id, ordered + asked)) == sorted(map(id, named))
