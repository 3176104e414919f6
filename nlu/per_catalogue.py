"""What is worked out once per catalogue index and kept beside it: built on first use, built again
when the index's catalogue changed (its fingerprint), dropped with the index."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from nlu.catalog_index import CatalogIndex

T = TypeVar("T")


class PerCatalogue(Generic[T]):
    """`PerCatalogue(Build)(index)`: the `Build(index)` kept for that index and its catalogue."""

    def __init__(self, build: Callable[[CatalogIndex], T]) -> None:
        self._build = build
        self._known: weakref.WeakKeyDictionary[CatalogIndex, tuple[object, T]] = weakref.WeakKeyDictionary()

    def __call__(self, index: CatalogIndex) -> T:
        known = self._known.get(index)
        if known is None or known[0] != index.fingerprint:
            known = self._known[index] = (index.fingerprint, self._build(index))
        return known[1]
