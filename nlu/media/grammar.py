"""A JSGF grammar of spoken orders built from the catalogue: numbers, units and product words.

Free-form English recognition mishears grocery names; constrained to "<quantity> [<unit>] [of]
<product>" sequences it hears them. Product words come from the catalogue names and romanised
aliases; words the English dictionary lacks (chini, masino) get a pronunciation from simple
letter-to-sound rules for romanised Nepali/Hindi.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from domain.catalog import Product

ONES = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
         "nineteen"]
TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
UNIT_WORDS = [
    "kilo", "kilos", "kilogram", "kilograms", "gram", "grams", "litre", "litres", "liter", "liters",
    "packet", "packets", "pack", "packs", "bottle", "bottles", "can", "cans", "box", "boxes", "crate", "crates",
    "carton", "cartons", "sack", "sacks", "bag", "bags", "dozen", "jar", "jars", "tube", "tubes", "bar", "bars",
    "pouch", "pouches", "piece", "pieces", "case", "cases", "tin", "tins",
]
LEADS = ["please send", "send", "i want", "i need", "give me", "we need", "order"]
_WORD = re.compile(r"^[a-z]+$")

# Romanised Nepali/Hindi letters to CMU phones, longest match first.
_LTS = [
    ("chh", "CH"), ("ch", "CH"), ("sh", "SH"), ("kh", "K"), ("gh", "G"), ("jh", "JH"), ("th", "T"),
    ("dh", "D"), ("ph", "F"), ("bh", "B"), ("aa", "AA"), ("ee", "IY"), ("oo", "UW"), ("ai", "AY"),
    ("au", "AW"), ("ou", "AW"), ("ei", "EY"), ("ng", "NG"),
    ("a", "AH"), ("e", "EY"), ("i", "IY"), ("o", "OW"), ("u", "UW"), ("y", "Y"), ("w", "W"), ("v", "W"),
    ("k", "K"), ("g", "G"), ("j", "JH"), ("t", "T"), ("d", "D"), ("n", "N"), ("p", "P"), ("b", "B"),
    ("m", "M"), ("r", "R"), ("l", "L"), ("s", "S"), ("h", "HH"), ("z", "Z"), ("f", "F"), ("q", "K"),
    ("x", "K S"), ("c", "K"),
]


def romanised_phones(word: str) -> str:
    """'chini' -> 'CH IY N IY': a rough pronunciation for a romanised word the dictionary lacks."""
    phones, i = [], 0
    while i < len(word):
        for letters, phone in _LTS:
            if word.startswith(letters, i):
                if not (phones and phones[-1] == phone):  # doubled letters are one sound
                    phones.append(phone)
                i += len(letters)
                break
        else:
            i += 1
    return " ".join(phones)


def spoken_phrases(product: Product) -> list[str]:
    """The ways a product is said: its name and aliases in lower-case letters (no digits, no Devanagari)."""
    phrases = []
    for text in (product.name, *product.aliases):
        cleaned = re.sub(r"\(.*?\)|\d+(\.\d+)?\s*(kg|g|l|ml)\b|[^a-z ]", " ", text.lower().replace("-", " "))
        words = [w for w in cleaned.split() if _WORD.match(w) and w not in UNIT_WORDS]
        if words and len(words) <= 5:
            phrases.append(" ".join(words))
    return list(dict.fromkeys(phrases))


@dataclass
class OrderGrammar:
    jsgf: str
    words: set[str]
    new_words: dict[str, str] = field(default_factory=dict)   # word -> phones for the recogniser


def build_grammar(products: Iterable[Product], known: Callable[[str], bool] = lambda w: True) -> OrderGrammar:
    """The JSGF text for order sentences; `known(word)` says whether the recogniser's dictionary has it."""
    products = list(products)
    phrases = {p for product in products for p in spoken_phrases(product)}
    # the head noun of a name ("noodles", "rice") and the category, for orders that name no brand
    phrases |= {p.split()[-1] for p in phrases if " " in p and known(p.split()[-1]) and len(p.split()[-1]) > 3}
    phrases |= {w for product in products for w in product.category.lower().split() if _WORD.match(w) and known(w)}
    phrases = sorted(phrases)
    words = {w for p in [*phrases, *UNIT_WORDS, *LEADS] for w in p.split()}
    words |= set(ONES + TEENS + TENS) | {"hundred", "half", "a", "and", "of", "please", "also"}
    new_words = {w: romanised_phones(w) for w in sorted(words) if not known(w)}
    new_words = {w: p for w, p in new_words.items() if p}
    jsgf = "\n".join([
        "#JSGF V1.0;",
        "grammar khaacho_order;",
        "public <order> = [<lead>] <item> ( [also] and <item> | also <item> )* [please];",
        f"<lead> = {' | '.join(LEADS)};",
        "<item> = <qty> [<unit>] [of] <product>;",
        "<qty> = <number> [and a half] | half [a];",
        f"<digit> = {' | '.join(ONES)};",
        f"<small> = <digit> | {' | '.join(TEENS)} | ( {' | '.join(TENS)} ) [<digit>];",
        "<number> = <small> | [<digit>] hundred [[and] <small>];",
        f"<unit> = {' | '.join(UNIT_WORDS)};",
        f"<product> = {' | '.join(phrases) or 'nothing'};",
        "",
    ])
    return OrderGrammar(jsgf, words, new_words)
