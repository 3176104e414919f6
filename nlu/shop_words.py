"""What shop owners call a product, in the words catalogues write (Hinglish, Roman Nepali, Hindi,
Nepali): "dettol sabun" is Dettol soap, "fortune tel" Fortune oil, "ilam chiya" Ilam tea."""

from __future__ import annotations

from nlu.lexicon import words

_GROUPS = {
    "soap": "sabun saban sabon साबुन",
    "oil": "tel tael तेल",
    "tea": "chiya chai chiyaa चिया चाय",
    "atta": "pitho aata peetho पिठो आटा",
    "rice": "chamal chawal chaamal चामल चावल",
    "toothpaste": "manjan paste मंजन",
    "noodles": "chauchau chowchow chaumin चाउचाउ",
    "biscuits": "biskut biscuit biskit बिस्कुट",
    "ghee": "ghiu ghiyu घिउ घी",
    "chips": "namkeen नमकीन",
    "shampoo": "sampoo shampo शैम्पू",
    "detergent": "surf",
}
SHOP_WORDS: dict[str, str] = {w: target for target, said in _GROUPS.items() for w in words(said)}


def catalogue_words(query: list[str]) -> list[str] | None:
    """The query in catalogue words, or None when no word of it is a shop word."""
    out = [SHOP_WORDS.get(w, w) for w in query]
    return out if out != query else None


__all__ = ["SHOP_WORDS", "catalogue_words"]
