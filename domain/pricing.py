"""Cost-plus pricing with volume discounts and margin protection.

For one line (cost per unit, category, quantity):

    list unit price = money(cost × (1 + category margin))         category margin, else default
    discount rate   = best volume tier the line reaches (by quantity or by list line value)
    unit price      = money(list unit price × (1 − discount rate))
    floor           = money_up(cost × (1 + min_margin))            margin protection
    unit price      = max(unit price, floor)
    line total      = money(unit price × quantity)                  what the retailer is charged
    discount        = money(list unit price × quantity) − line total
    margin          = line total − money(cost × quantity)           NPR earned on the line

The unit price and line total shown to the retailer are exactly what is charged: the total is always
recomputed from the rounded unit price, never from unrounded intermediate values.

API:
    PricingPolicy(default_margin, category_margins, volume_tiers, min_margin)
    PricingPolicy.from_config(dict) -> PricingPolicy             raises ValueError naming the bad key
    VolumeTier(discount, min_quantity=None, min_line_value=None)
    price_line(policy, cost, category, quantity) -> LinePrice
    price_order(policy, lines: Iterable[LineInput]) -> OrderPrice  lines priced in input order
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from domain.money import ZERO, money, money_up, to_decimal

ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class VolumeTier:
    """A discount reached when quantity >= min_quantity OR list line value >= min_line_value."""

    discount: Decimal
    min_quantity: Decimal | None = None
    min_line_value: Decimal | None = None

    def __post_init__(self) -> None:
        if self.min_quantity is None and self.min_line_value is None:
            raise ValueError("a volume tier needs min_quantity or min_line_value")
        if not ZERO <= self.discount < ONE:
            raise ValueError("a volume tier discount must be in [0, 1)")

    def reached(self, quantity: Decimal, list_value: Decimal) -> bool:
        return (self.min_quantity is not None and quantity >= self.min_quantity) or (
            self.min_line_value is not None and list_value >= self.min_line_value
        )


@dataclass(frozen=True, slots=True)
class PricingPolicy:
    """Margins are fractions of cost (0.08 = 8 %); category keys are matched case-insensitively."""

    default_margin: Decimal
    category_margins: Mapping[str, Decimal] = field(default_factory=dict)
    volume_tiers: tuple[VolumeTier, ...] = ()
    min_margin: Decimal = ZERO

    def __post_init__(self) -> None:
        margins = [self.default_margin, self.min_margin, *self.category_margins.values()]
        if any(m < ZERO for m in margins):
            raise ValueError("margins must not be negative")
        normalised = {_category_key(k): v for k, v in self.category_margins.items()}
        object.__setattr__(self, "category_margins", normalised)

    def margin_for(self, category: str) -> Decimal:
        """The category's margin, or the default margin for unknown or empty categories."""
        return self.category_margins.get(_category_key(category), self.default_margin)

    def discount_for(self, quantity: Decimal, list_value: Decimal) -> Decimal:
        """The largest discount among the tiers this line reaches (0 if none)."""
        return max((t.discount for t in self.volume_tiers if t.reached(quantity, list_value)), default=ZERO)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> PricingPolicy:
        """Build from a plain dict (as loaded from config.yml); floats are read exactly via str.

        Keys: default_margin (required), category_margins {name: margin}, min_margin,
        volume_tiers [{min_quantity | min_line_value, discount}].
        """
        known = {"default_margin", "category_margins", "volume_tiers", "min_margin"}
        unknown = set(config) - known
        if unknown:
            raise ValueError(f"pricing: unknown key(s) {sorted(unknown)}")
        if "default_margin" not in config:
            raise ValueError("pricing.default_margin is required")
        try:
            tiers = tuple(_tier_from_config(i, t) for i, t in enumerate(config.get("volume_tiers") or []))
            return cls(
                default_margin=_number("pricing.default_margin", config["default_margin"]),
                category_margins={
                    str(k): _number(f"pricing.category_margins.{k}", v)
                    for k, v in (config.get("category_margins") or {}).items()
                },
                volume_tiers=tiers,
                min_margin=_number("pricing.min_margin", config.get("min_margin", 0)),
            )
        except ValueError as exc:
            message = str(exc)
            raise ValueError(message if message.startswith("pricing") else f"pricing: {message}") from None


def _category_key(category: str) -> str:
    return category.strip().lower()


def _number(key: str, value: Any) -> Decimal:
    try:
        result = to_decimal(value)
    except (TypeError, ArithmeticError, ValueError):
        raise ValueError(f"{key} must be a number, got {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"{key} must be a finite number")
    return result


def _tier_from_config(index: int, raw: Mapping[str, Any]) -> VolumeTier:
    key = f"pricing.volume_tiers[{index}]"
    unknown = set(raw) - {"min_quantity", "min_line_value", "discount"}
    if unknown:
        raise ValueError(f"{key}: unknown key(s) {sorted(unknown)}")
    if "discount" not in raw:
        raise ValueError(f"{key}.discount is required")

    def optional(name: str) -> Decimal | None:
        return _number(f"{key}.{name}", raw[name]) if raw.get(name) is not None else None

    try:
        return VolumeTier(
            discount=_number(f"{key}.discount", raw["discount"]),
            min_quantity=optional("min_quantity"),
            min_line_value=optional("min_line_value"),
        )
    except ValueError as exc:
        raise ValueError(f"{key}: {exc}") from None


@dataclass(frozen=True, slots=True)
class LinePrice:
    unit_price: Decimal  # charged per unit, 2 places
    quantity: Decimal
    line_total: Decimal  # unit_price × quantity, 2 places
    list_unit_price: Decimal  # before volume discount
    discount: Decimal  # NPR saved against the list price (≥ 0)
    discount_rate: Decimal  # rate of the tier reached (0 if none), before margin protection
    margin: Decimal  # NPR earned on the line: line_total − cost × quantity
    margin_protected: bool  # True when the floor raised the discounted price


@dataclass(frozen=True, slots=True)
class LineInput:
    sku: str
    cost: Decimal
    category: str
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class OrderPrice:
    lines: tuple[LinePrice, ...]  # same order as the inputs
    total: Decimal
    discount: Decimal
    margin: Decimal


def price_line(policy: PricingPolicy, cost: Decimal, category: str, quantity: Decimal) -> LinePrice:
    """Price one line; `cost` is the unit cost (≥ 0) and `quantity` must be positive."""
    if cost < ZERO:
        raise ValueError("cost must not be negative")
    if quantity <= ZERO:
        raise ValueError("quantity must be positive")
    list_unit = money(cost * (ONE + policy.margin_for(category)))
    list_total = money(list_unit * quantity)
    rate = policy.discount_for(quantity, list_total)
    discounted = money(list_unit * (ONE - rate))
    floor = money_up(cost * (ONE + policy.min_margin))
    unit = max(discounted, floor)
    line_total = money(unit * quantity)
    return LinePrice(
        unit_price=unit,
        quantity=quantity,
        line_total=line_total,
        list_unit_price=list_unit,
        discount=max(list_total - line_total, ZERO),
        discount_rate=rate,
        margin=line_total - money(cost * quantity),
        margin_protected=floor > discounted,
    )


def price_order(policy: PricingPolicy, lines: Iterable[LineInput]) -> OrderPrice:
    """Price each line and sum totals, discounts and margins (sums of already-rounded amounts)."""
    priced = tuple(price_line(policy, li.cost, li.category, li.quantity) for li in lines)
    return OrderPrice(
        lines=priced,
        total=sum((p.line_total for p in priced), ZERO),
        discount=sum((p.discount for p in priced), ZERO),
        margin=sum((p.margin for p in priced), ZERO),
    )
