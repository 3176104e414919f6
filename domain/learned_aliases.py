"""What a retailer's phrase means once learned: the retailer's own choice first, then the choice
several retailers agree on (AGREE of them, configurable), else nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

AGREE = 3  # retailers who must agree before a phrase means a SKU for everyone


@dataclass(frozen=True, slots=True)
class Learned:
    retailer_id: int
    phrase: str
    sku: str


def learned_sku(votes: Iterable[Learned], retailer_id: int, phrase: str, agree: int = AGREE) -> str | None:
    """The SKU `phrase` means to `retailer_id`: their own, else the one >= `agree` retailers chose
    (the most-chosen; a tie between two such SKUs means nothing)."""
    same = [v for v in votes if v.phrase == phrase]
    own = next((v.sku for v in same if v.retailer_id == retailer_id), None)
    if own is not None:
        return own
    counts = Counter(v.sku for v in {(v.retailer_id, v.sku): v for v in same}.values())
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < max(agree, 1):
        return None
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return None
    return ranked[0][0]


__all__ = ["AGREE", "Learned", "learned_sku"]
