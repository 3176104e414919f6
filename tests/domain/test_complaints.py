"""Complaint categories from what retailers write, in English, Roman Nepali/Hindi and Devanagari."""

from __future__ import annotations

import pytest

from domain.complaints import Category, classify_complaint


@pytest.mark.parametrize(("text", "category"), [
    ("order 1042 ma coke futeko thiyo", Category.DAMAGED),
    ("3 bottle phuteko aayo", Category.DAMAGED),
    ("broken bottles in my order", Category.DAMAGED),
    ("कोक फुटेको थियो", Category.DAMAGED),
    ("2 packet wai wai pugena", Category.MISSING),
    ("maal nahi aaya", Category.MISSING),
    ("नुन आएन", Category.MISSING),
    ("galat saman aayo", Category.WRONG_ITEM),
    ("you sent the wrong oil", Category.WRONG_ITEM),
    ("delivery dhilo bhayo", Category.LATE),
    ("order abasamma aayena", Category.LATE),
    ("chini dherai mahango lagyo", Category.PRICE),
    ("overcharged on the bill", Category.PRICE),
    ("hello there", Category.OTHER),
])
def test_classify(text: str, category: Category) -> None:
    assert classify_complaint(text) is category
