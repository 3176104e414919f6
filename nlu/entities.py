"""Rules for what a classifier does not give: payment amounts and methods, order numbers,
categories, yes/no answers, and whether a message asks about a product's price or stock."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from nlu.lexicon import (
    AFFIRM_WORDS,
    DENY_WORDS,
    FILLER_WORDS,
    PRICE_WORDS,
    QUESTION_WORDS,
    STOCK_WORDS,
)

_METHODS = {
    "esewa": ("esewa", "e-sewa", "e sewa", "इसेवा", "ईसेवा", "ई-सेवा", "इ-सेवा"),
    "khalti": ("khalti", "khaalti", "खल्ती"),
    "fonepay": ("fonepay", "fone pay", "phonepay", "qr"),
    "bank": ("bank", "transfer", "transferred", "deposit", "account", "a/c", "connectips",
             "mobile banking", "बैंक", "खाता"),
    "cash": ("cash", "nagad", "nagadi", "haat ma", "नगद"),
}
_METHOD_RES = {m: re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in words))
               for m, words in _METHODS.items()}
_METHOD_WORDS = tuple(w for words in _METHODS.values() for w in words)
_CURRENCY_SIGNS = ("rs", "npr", "nrs", "रु", "रू", "₹", "inr")  # each may end in a dot
_RUPEE_WORDS = ("rupee", "rupaiya", "रुपैयाँ")  # and their endings: rupees, rupaiyaa
_CURRENCY = "(?:" + "|".join(rf"{re.escape(w)}\.?" for w in _CURRENCY_SIGNS) + ")"
_NUMBER = r"(\d{1,3}(?:,\d{2,3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_AMOUNT_WITH_CURRENCY = re.compile(
    rf"{_CURRENCY}\s*{_NUMBER}|{_NUMBER}\s*(?:{_CURRENCY}|" + "|".join(rf"{w}\w*" for w in _RUPEE_WORDS) + ")")
_ANY_NUMBER = re.compile(rf"(?<![#\d])(?<![^\W\d_]){_NUMBER}(?!\s*(?:kg|g|gm|l|ltr|ml|%)\b)")
_ORDER_WORDS = ("order", "ordr", "odr", "अर्डर")
_ORDER_REF = re.compile(r"#\s*(\d{3,8})\b|(?:" + "|".join(_ORDER_WORDS)
                        + r")\s*(?:no\.?|number|num|id|#)?\s*[:#]?\s*(\d{3,8})\b")
# What each pattern needs somewhere in the text: most messages hold none of it, and skip the pattern.
_ORDER_MARKS = ("#", *_ORDER_WORDS)
_CURRENCY_MARKS = (*_CURRENCY_SIGNS, *_RUPEE_WORDS)
_CATEGORY_WORDS = {
    "noodles": "noodles chauchau chowmein noodle", "biscuits": "biscuit biscuits biskut cookies",
    "oil": "oil tel", "pulses": "dal daal pulses lentils", "rice": "rice chamal chawal",
    "soft drinks": "cold drinks drinks soft softdrink chiso", "spices": "masala spices",
    "detergent": "detergent detergents washing powder", "snacks": "snacks namkeen chips",
    "tea": "tea chiya chai", "personal care": "soap sabun shampoo toothpaste",
    "juice": "juice juices", "dairy": "dairy milk dudh", "flour": "flour pitho atta",
}
_CATEGORY_SETS = {category: frozenset(words.split()) for category, words in _CATEGORY_WORDS.items()}


def extract_entities(prepared: str, tokens: list[str], categories: Iterable[str] = ()) -> dict[str, object]:
    """amount, method, order_ref and category found in a prepared message."""
    entities: dict[str, object] = {}
    method = payment_method(prepared)
    if method:
        entities["method"] = method
    refs = [a or b for a, b in _ORDER_REF.findall(prepared)] if any(m in prepared for m in _ORDER_MARKS) else []
    if refs:
        entities["order_ref"] = refs[0]
    amount = payment_amount(prepared, exclude=set(refs))
    if amount is not None:
        entities["amount"] = amount
    category = category_of(tokens, categories)
    if category:
        entities["category"] = category
    return entities


def payment_method(prepared: str) -> str | None:
    if not any(w in prepared for w in _METHOD_WORDS):  # most messages: no pattern can match
        return None
    return next((method for method, pattern in _METHOD_RES.items() if pattern.search(prepared)), None)


def payment_amount(prepared: str, exclude: set[str] | None = None) -> float | None:
    """A sum of money: one marked with Rs/रु first, else the largest plain number (not a ref)."""
    marked = [a or b for a, b in _AMOUNT_WITH_CURRENCY.findall(prepared)] \
        if any(m in prepared for m in _CURRENCY_MARKS) else []
    found = marked or [n for n in _ANY_NUMBER.findall(prepared) if n not in (exclude or set())]
    values = [float(n.replace(",", "")) for n in found]
    values = [v for v in values if v >= 10]
    return max(values) if values else None


def category_of(tokens: list[str], categories: Iterable[str] = ()) -> str | None:
    known = _lowered(categories) if isinstance(categories, frozenset) else {c.lower() for c in categories}
    words = set(tokens)
    for category, synonyms in _CATEGORY_SETS.items():
        if (not known or category in known) and words & synonyms:
            return category
    return next((c for c in known if c in words), None)


@lru_cache(maxsize=8)
def _lowered(categories: frozenset[str]) -> set[str]:
    """A catalogue's categories in lower case (the pipeline passes the same set for every message)."""
    return {c.lower() for c in categories}


def confirmation(tokens: list[str]) -> str | None:
    """"affirm" or "deny" when the whole message is a yes/no answer, else None."""
    if not tokens or len(tokens) > 5:
        return None
    if not all(t in AFFIRM_WORDS or t in DENY_WORDS or t in FILLER_WORDS for t in tokens):
        return None
    if any(t in DENY_WORDS for t in tokens):
        return "deny"
    return "affirm" if any(t in AFFIRM_WORDS for t in tokens) else None


def inquiry_kind(prepared: str, tokens: list[str]) -> str | None:
    """"inquiry_price" / "inquiry_stock" when the message is a question, else None."""
    words = set(tokens)
    price = bool(words & PRICE_WORDS) or "how much" in prepared
    stock = bool(words & STOCK_WORDS) or "do you have" in prepared or "hai kya" in prepared
    asked = "?" in prepared or price or stock or bool(words & QUESTION_WORDS)
    if not asked:
        return None
    if price:
        return "inquiry_price"
    return "inquiry_stock" if stock or "?" in prepared else None
