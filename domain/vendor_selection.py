"""Vendor selection and load balancing.

`rank_vendors` orders the vendors able to fill at least one requested item by a weighted sum of
four components, each in 0..1 (1 = best), with weights from `SelectionWeights`:

    score     vendor score / 100                                  (see domain.scoring)
    load      1 − active_orders / capacity                        a busy vendor ranks lower
    distance  1 − distance_km / max_distance_km, clamped to 0..1  unknown distance -> `unknown`
    price     mean over the items it can fill of (cheapest candidate price / its price)
              items without a price are left out; no priced item -> `unknown`

A vendor at or over capacity, or in `exclude`, is skipped: no vendor is flooded. Ties go to the
lower vendor_id so the result is deterministic.

`plan_allocation` picks the best-ranked vendor that can fill every item. If none can, it splits the
order with greedy set covering: repeatedly take the vendor that fills the most remaining items (ties
to the better rank) until nobody can fill more; what is left is `unfillable`. An item is never split
between vendors: a vendor fills its whole quantity or not at all. Storage turns each assignment into
an offer (one child order per vendor when split).

Stock: `stock[sku]` is a quantity, or None for "listed but not tracked" which counts as available;
a SKU missing from `stock` is not sold by that vendor.

API:
    VendorCandidate(vendor_id, score, active_orders, capacity, distance_km, stock, prices)
    SelectionWeights(score, load, distance, price, max_distance_km, unknown);  DEFAULT_WEIGHTS
    rank_vendors(candidates, items, weights=DEFAULT_WEIGHTS, exclude=()) -> list[RankedVendor]
    plan_allocation(items, candidates, exclude=(), weights=DEFAULT_WEIGHTS) -> Allocation
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

Item = tuple[str, Decimal]  # (sku, quantity)


@dataclass(frozen=True, slots=True)
class VendorCandidate:
    vendor_id: int
    score: float  # 0..100
    active_orders: int
    capacity: int  # most orders in flight at once
    distance_km: float | None = None
    stock: Mapping[str, Decimal | None] = field(default_factory=dict)
    prices: Mapping[str, Decimal] = field(default_factory=dict)

    @property
    def has_room(self) -> bool:
        return self.active_orders < self.capacity

    def can_fill(self, sku: str, quantity: Decimal) -> bool:
        """Listed, and either untracked (None) or with at least `quantity` in stock."""
        if sku not in self.stock:
            return False
        level = self.stock[sku]
        return level is None or level >= quantity


@dataclass(frozen=True, slots=True)
class SelectionWeights:
    score: float = 0.40
    load: float = 0.25
    distance: float = 0.20
    price: float = 0.15
    max_distance_km: float = 20.0  # at or beyond this distance the component is 0
    unknown: float = 0.5  # component value when distance or price is unknown


DEFAULT_WEIGHTS = SelectionWeights()


@dataclass(frozen=True, slots=True)
class RankedVendor:
    candidate: VendorCandidate
    rank_score: float  # weighted sum of the components
    components: Mapping[str, float]
    fills: frozenset[str]  # requested SKUs this vendor can fill in full

    @property
    def vendor_id(self) -> int:
        return self.candidate.vendor_id


@dataclass(frozen=True, slots=True)
class VendorAssignment:
    vendor_id: int
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Allocation:
    assignments: tuple[VendorAssignment, ...]
    unfillable: tuple[Item, ...]

    @property
    def is_complete(self) -> bool:
        """Every item has a vendor."""
        return bool(self.assignments) and not self.unfillable

    @property
    def is_split(self) -> bool:
        return len(self.assignments) > 1

    @property
    def vendor_ids(self) -> tuple[int, ...]:
        return tuple(a.vendor_id for a in self.assignments)


def merge_items(items: Iterable[Item]) -> list[Item]:
    """Sum quantities of repeated SKUs, keeping first-seen order; quantities must be positive."""
    merged: dict[str, Decimal] = {}
    for sku, quantity in items:
        if quantity <= 0:
            raise ValueError(f"quantity for {sku} must be positive")
        merged[sku] = merged.get(sku, Decimal(0)) + quantity
    return list(merged.items())


def _clamp01(value: float) -> float:
    return min(1.0, max(0.0, value))


def _price_component(
    vendor: VendorCandidate, fills: frozenset[str], cheapest: Mapping[str, Decimal], unknown: float
) -> float:
    ratios = [
        1.0 if vendor.prices[sku] <= 0 else float(cheapest[sku] / vendor.prices[sku])
        for sku in fills
        if sku in vendor.prices
    ]
    return sum(ratios) / len(ratios) if ratios else unknown


def rank_vendors(
    candidates: Iterable[VendorCandidate],
    items: Sequence[Item],
    weights: SelectionWeights = DEFAULT_WEIGHTS,
    exclude: Collection[int] = (),
) -> list[RankedVendor]:
    """Vendors with room that can fill at least one item, best first (see module docstring)."""
    wanted = merge_items(items)
    eligible: list[tuple[VendorCandidate, frozenset[str]]] = []
    for vendor in candidates:
        if vendor.vendor_id in exclude or not vendor.has_room:
            continue
        fills = frozenset(sku for sku, qty in wanted if vendor.can_fill(sku, qty))
        if fills:
            eligible.append((vendor, fills))

    cheapest: dict[str, Decimal] = {}
    for vendor, fills in eligible:
        for sku in (s for s in fills if s in vendor.prices):
            price = max(vendor.prices[sku], Decimal(0))
            cheapest[sku] = min(cheapest.get(sku, price), price)

    ranked = []
    for vendor, fills in eligible:
        distance = (
            weights.unknown
            if vendor.distance_km is None
            else _clamp01(1.0 - vendor.distance_km / weights.max_distance_km)
        )
        components = {
            "score": _clamp01(vendor.score / 100.0),
            "load": _clamp01(1.0 - vendor.active_orders / vendor.capacity),
            "distance": distance,
            "price": _price_component(vendor, fills, cheapest, weights.unknown),
        }
        total = sum(getattr(weights, name) * value for name, value in components.items())
        ranked.append(RankedVendor(vendor, round(total, 6), components, fills))
    ranked.sort(key=lambda r: (-r.rank_score, r.vendor_id))
    return ranked


def plan_allocation(
    items: Sequence[Item],
    candidates: Iterable[VendorCandidate],
    exclude: Collection[int] = (),
    weights: SelectionWeights = DEFAULT_WEIGHTS,
) -> Allocation:
    """One vendor for everything if possible, else a greedy split; leftovers are `unfillable`."""
    wanted = merge_items(items)
    ranked = rank_vendors(candidates, wanted, weights, exclude)
    every_sku = frozenset(sku for sku, _ in wanted)
    single = next((r for r in ranked if r.fills >= every_sku), None)
    if single is not None:
        return Allocation((VendorAssignment(single.vendor_id, tuple(wanted)),), ())

    remaining = set(every_sku)
    pool = list(ranked)
    chosen: list[tuple[RankedVendor, frozenset[str]]] = []
    while remaining and pool:
        best = max(pool, key=lambda r: len(r.fills & remaining))  # max keeps the first (best-ranked) tie
        covered = best.fills & remaining
        if not covered:
            break
        chosen.append((best, covered))
        remaining -= covered
        pool.remove(best)

    assignments = tuple(
        VendorAssignment(r.vendor_id, tuple(item for item in wanted if item[0] in covered))
        for r, covered in chosen
    )
    unfillable = tuple(item for item in wanted if item[0] in remaining)
    return Allocation(assignments, unfillable)
