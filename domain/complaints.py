"""Complaint categories from what retailers really write (English, Roman Nepali/Hindi, Devanagari).

    classify_complaint("order 1042 ma coke futeko thiyo") -> Category.DAMAGED
    classify_complaint("2 packet wai wai pugena")          -> Category.MISSING

Each category has keyword stems; a word counts when it starts with a stem (so "futeko", "futyo" and
"futeka" all hit "fut"), a phrase when it appears in the text. The category with most hits wins;
ties go to the earlier category in `Category` (damage and wrong items are the most specific).
"""

from __future__ import annotations

import re
from enum import StrEnum


class Category(StrEnum):
    DAMAGED = "damaged"
    WRONG_ITEM = "wrong_item"
    LATE = "late"
    MISSING = "missing"
    PRICE = "price"
    OTHER = "other"


_STEMS: dict[Category, tuple[str, ...]] = {
    Category.DAMAGED: ("futek", "futy", "phutek", "phuty", "futeka", "tutek", "tuty", "bigre", "bigry",
                       "broke", "damag", "leak", "crack", "smash", "spoil", "rotten", "sadek", "kuhiy",
                       "expir", "kharab", "फुट", "टुट", "बिग्र", "कुहि", "सडे", "खराब"),
    Category.WRONG_ITEM: ("galat", "wrong", "arkai", "arkei", "farak", "different", "badal", "गलत", "अर्कै",
                          "फरक"),
    Category.LATE: ("dhilo", "late", "delay", "abasamma", "ahilesamma", "ajhai", "ajhsamma", "kahile",
                    "still", "ढिलो", "अहिलेसम्म", "अझै", "कहिले"),
    Category.MISSING: ("pugen", "pugyen", "aayen", "aaen", "ayen", "missing", "short", "kam aay", "kami",
                       "chhut", "chut", "नपुग", "पुगेन", "आएन", "छुट", "कम"),
    Category.PRICE: ("mahang", "mahanga", "expensive", "overcharg", "price", "rate", "dam ", "charge",
                     "bill", "paisa badhi", "badhi paisa", "महँग", "महङ्ग", "मूल्य", "दाम", "बिल"),
}
_PHRASES: dict[Category, tuple[str, ...]] = {
    Category.MISSING: ("nahi aaya", "nahi aya", "not received", "never came", "did not come", "didn't come",
                       "not delivered", "nai aayena", "aako chaina", "aayeko chaina", "pugeko chaina",
                       "आएको छैन", "पुगेको छैन"),
    Category.LATE: ("not yet", "too long", "kati der", "kaile aaucha"),
}
_WORD = re.compile(r"[\w\u0900-\u097f]+")


def classify_complaint(text: str) -> Category:
    """The complaint's category; OTHER when no keyword fits."""
    lowered = text.lower()
    words = _WORD.findall(lowered)
    padded = f" {' '.join(words)} "
    scores: dict[Category, int] = {}
    for category, stems in _STEMS.items():
        hits = sum(1 for stem in stems if (" " in stem and stem in padded)
                   or any(w.startswith(stem) for w in words))
        hits += sum(1 for phrase in _PHRASES.get(category, ()) if phrase in lowered)
        if hits:
            scores[category] = hits
    if not scores:
        return Category.OTHER
    order = list(Category)
    return max(scores, key=lambda c: (scores[c], -order.index(c)))
