"""Learning from use: a retailer's answer to "which one?", or a draft line switched to another SKU,
teaches what their phrase means.

The phrase (nlu.phrases.phrase_key) means the chosen SKU to that retailer at once, and to everyone
once `agree` retailers chose the same SKU for it (domain.learned_aliases). Learned meanings settle
an unclear item before the retailer is asked again, and put the retailer's own meaning (or the one
everyone agrees on) in place of what the matcher found.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from domain.learned_aliases import AGREE, learned_sku
from nlu.phrases import phrase_key
from services import UnitOfWork


async def remember_choice(uow: UnitOfWork, retailer_id: int, text: str, quantity: float | None, sku: str,
                          now: datetime) -> str:
    """Keep the retailer's choice of `sku` for the item text; the phrase it was kept under ("" none)."""
    phrase = phrase_key(text, quantity)
    if phrase:
        await uow.learned_aliases.remember(retailer_id, phrase, sku, now)
    return phrase


async def remember_switch(uow: UnitOfWork, retailer_id: int, said: Mapping[str, Sequence[Any]],
                          removed: Sequence[str], added: Sequence[str], now: datetime) -> str:
    """A draft line switched to another SKU (one line taken out and one new SKU put in by one
    message): the phrase that made the line (`said`: sku -> [text, quantity]) now means the new SKU,
    kept as a choice is. The phrase kept under ("" none)."""
    if len(removed) != 1 or len(added) != 1 or removed[0] == added[0] or removed[0] not in said:
        return ""
    text, quantity = said[removed[0]][:2]
    return await remember_choice(uow, retailer_id, str(text), quantity, added[0], now)


async def apply_learned(uow: UnitOfWork, retailer_id: int, items: Sequence[Any], agree: int = AGREE) -> list[Any]:
    """The items, each settled by what its phrase has come to mean: an unclear one, or one the
    matcher found that the phrase has come to mean another SKU for (others unchanged)."""
    unclear = {i: phrase_key(item.text, item.quantity) for i, item in enumerate(items)
               if item.sku is not None or item.ambiguous}
    if not any(unclear.values()):
        return list(items)
    votes = await uow.learned_aliases.for_phrases(p for p in unclear.values() if p)
    chosen = {i: learned_sku(votes, retailer_id, phrase, agree) for i, phrase in unclear.items() if phrase}
    found = await uow.products.by_skus({s for s in chosen.values() if s})
    out = list(items)
    for i, sku in chosen.items():
        product = found.get(sku) if sku else None
        if product is not None and product.sku != items[i].sku:
            out[i] = replace(items[i], sku=product.sku, name=product.name, unit=product.unit, ambiguous=False)
    return out


async def learned_summary(uow: UnitOfWork, limit: int = 30) -> list[tuple[str, str, int]]:
    return await uow.learned_aliases.summary(limit)


async def forget(uow: UnitOfWork, phrase: str, sku: str | None = None) -> int:
    return await uow.learned_aliases.remove(" ".join(phrase.lower().split()), sku)


__all__ = ["apply_learned", "forget", "learned_summary", "remember_choice", "remember_switch"]
