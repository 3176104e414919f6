"""Learning from use: a retailer's answer to "which one?" teaches what their phrase means.

The phrase (nlu.phrases.phrase_key) means the chosen SKU to that retailer at once, and to everyone
once `agree` retailers chose the same SKU for it (domain.learned_aliases). Learned meanings settle
an unclear item before the retailer is asked again.
"""

from __future__ import annotations

from collections.abc import Sequence
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


async def apply_learned(uow: UnitOfWork, retailer_id: int, items: Sequence[Any], agree: int = AGREE) -> list[Any]:
    """The items, each unclear one settled by what its phrase has come to mean (others unchanged)."""
    unclear = {i: phrase_key(item.text, item.quantity) for i, item in enumerate(items)
               if item.ambiguous and item.sku is None}
    if not unclear:
        return list(items)
    votes = await uow.learned_aliases.for_phrases(p for p in unclear.values() if p)
    chosen = {i: learned_sku(votes, retailer_id, phrase, agree) for i, phrase in unclear.items() if phrase}
    found = await uow.products.by_skus({s for s in chosen.values() if s})
    out = list(items)
    for i, sku in chosen.items():
        product = found.get(sku) if sku else None
        if product is not None:
            out[i] = replace(items[i], sku=product.sku, name=product.name, unit=product.unit, ambiguous=False)
    return out


async def learned_summary(uow: UnitOfWork, limit: int = 30) -> list[tuple[str, str, int]]:
    return await uow.learned_aliases.summary(limit)


async def forget(uow: UnitOfWork, phrase: str, sku: str | None = None) -> int:
    return await uow.learned_aliases.remove(" ".join(phrase.lower().split()), sku)


__all__ = ["apply_learned", "forget", "learned_summary", "remember_choice"]
