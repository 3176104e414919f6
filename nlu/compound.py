"""A question and an order in one message.

"dal chaina, chini 5 kg pathaidinu" orders the sugar and asks about the dal; "coke cha? 2 crate
pathaidinu" orders the coke. Read as an inquiry, such a message would lose its order. An item is
ordered when it has an amount and the message says to send ("pathaidinu", "bhejo", "chahiyo"), or
when its own part of the message asks nothing while the parts that ask give no amount: in "chini 5 kg
ra dal 2 kg kati parcha" the question is about both amounts, and nothing is ordered.
"""

from __future__ import annotations

from nlu.lexicon import CONNECTORS, ORDER_VERBS, PRICE_WORDS, QUESTION_WORDS, STOCK_WORDS
from nlu.types import ParsedItem

_ASKING = STOCK_WORDS | PRICE_WORDS | (QUESTION_WORDS - CONNECTORS)  # "ke"/"ki" are also "of"


def ordered_and_asked(items: list[ParsedItem], tokens: list[str],
                      confident: float) -> tuple[list[ParsedItem], list[ParsedItem]] | None:
    """(the items ordered, the items asked about) of a message read as a question that also
    orders; None when it only asks ("2 crate coke cha?", "coke 2 crate?"). An ordered item must
    be matched at least `confident` sure."""
    send = not ORDER_VERBS.isdisjoint(tokens)
    ordered: list[ParsedItem] = []
    asked: list[ParsedItem] = []
    for item in items:
        if item.quantity is not None and item.score >= confident and (item.sku or item.ambiguous) and (
                send or _ASKING.isdisjoint(item.text.split())):
            ordered.append(item)
        elif item.sku or item.candidates:
            asked.append(item)
    if not ordered or not (send or asked):  # an amount in the only part: the question is about it
        return None
    if not send and any(item.quantity is not None for item in asked):
        return None
    return ordered, asked
