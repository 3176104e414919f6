"""Number words and numerals in English, Roman Nepali/Hindi and Devanagari."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")

# Words that only ever mean a number.
_PLAIN: dict[str, float] = {
    # English
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100, "thousand": 1000,
    "half": 0.5, "quarter": 0.25,
    # Roman Nepali / Hindi
    "ek": 1, "euta": 1, "dui": 2, "duita": 2, "tinta": 3, "chaar": 4, "paanch": 5, "panch": 5,
    "pach": 5, "paach": 5, "chhe": 6, "chhah": 6, "saat": 7, "aath": 8, "aanth": 8,
    "dash": 10, "egara": 11, "gyarah": 11, "barah": 12, "pandhra": 15, "pandra": 15,
    "bees": 20, "pachis": 25, "pacchis": 25, "tees": 30, "chalis": 40, "pachas": 50, "pachaas": 50,
    "saya": 100, "sau": 100, "hajar": 1000, "hazar": 1000,
    "adha": 0.5, "aadha": 0.5, "aadhaa": 0.5, "adhaa": 0.5, "aadhi": 0.5,
    "dedh": 1.5, "derh": 1.5, "deedh": 1.5, "sawa": 1.25, "sava": 1.25,
    "dhai": 2.5, "adhai": 2.5, "arhai": 2.5, "dhaai": 2.5,
    # Devanagari
    "एक": 1, "दुई": 2, "दुइ": 2, "दो": 2, "तीन": 3, "तिन": 3, "चार": 4, "पाँच": 5, "पांच": 5,
    "पाच": 5, "छह": 6, "सात": 7, "आठ": 8, "नौ": 9, "दस": 10, "बाह्र": 12, "बारह": 12, "पन्ध्र": 15,
    "बीस": 20, "पच्चीस": 25, "तीस": 30, "पचास": 50, "सय": 100, "सौ": 100, "हजार": 1000,
    "आधा": 0.5, "डेढ": 1.5, "डेढ़": 1.5, "सवा": 1.25, "ढाई": 2.5, "अढाई": 2.5,
}

# Words that are also ordinary words ("tin" can, "do", "char", "chha" = "is"): numbers only
# when a unit follows ("tin crate", "do bora", "छ वटा").
_BEFORE_UNIT: dict[str, float] = {
    "tin": 3, "teen": 3, "char": 4, "chha": 6, "chah": 6, "do": 2, "das": 10, "nau": 9,
    "bis": 20, "bara": 12, "sat": 7, "छ": 6,
}

MULTIPLIERS = {"hundred": 100, "saya": 100, "sau": 100, "सय": 100, "सौ": 100,
               "thousand": 1000, "hajar": 1000, "hazar": 1000, "हजार": 1000}

_NUMBER_WORDS = frozenset(_PLAIN) | frozenset(_BEFORE_UNIT)

_NUMERAL = re.compile(r"^\d+(?:\.\d+)?$|^\d+/\d+$")


@lru_cache(maxsize=100_000)
def parse_numeral(token: str) -> float | None:
    """Value of a numeral token: "12", "1.5", "1/2", "१२"; None for anything else."""
    token = token.translate(DEVANAGARI_DIGITS)
    if not _NUMERAL.match(token):
        return None
    if "/" in token:
        num, den = token.split("/")
        return float(num) / float(den) if float(den) else None
    return float(token)


def word_value(token: str, next_is_unit: bool) -> float | None:
    """Value of a number word, or None; ambiguous words count only before a unit."""
    if token in _PLAIN:
        return _PLAIN[token]
    if next_is_unit and token in _BEFORE_UNIT:
        return _BEFORE_UNIT[token]
    return None


def format_number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def replace_number_words(tokens: list[str], is_unit: Callable[[str], bool]) -> list[str]:
    """Turn number words into numerals, combining "dui saya" -> 200, "ek hajar paanch saya" -> 1500."""
    if _NUMBER_WORDS.isdisjoint(tokens):
        return tokens  # most messages: nothing to turn
    out: list[str] = []
    total = 0.0
    pending: float | None = None  # value being built from consecutive number words
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        value = word_value(tok, is_unit(nxt))
        if value is None:
            if pending is not None:
                out.append(format_number(total + pending))
                total, pending = 0.0, None
            out.append(tok)
            continue
        if tok in MULTIPLIERS and pending is not None:
            total += pending * value
            pending = 0.0
        elif pending is not None and pending >= 1 and value < 1:
            pending += value  # "ek adha" style: 1 + 0.5
        elif pending is not None and pending != 0:
            out.append(format_number(total + pending))  # two separate numbers
            total, pending = 0.0, value
        else:
            pending = value
    if pending is not None:
        out.append(format_number(total + pending))
    return out
