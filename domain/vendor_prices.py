"""Whether a price a vendor sets for a SKU can be taken: one rule for chat, CSV and the API.

    check_price(price, catalogue) -> str | None     None when fine, else why not:
        "not_positive"  zero or less
        "absurd"        more than PRICE_MAX rupees a unit, finer than a paisa, or more than ABSURD_FACTOR
                        times the catalogue cost or under 1/ABSURD_FACTOR of it (a typo such as 1020
                        for 102, or a carton's price given for a packet)
    per_unit(price, quantity) -> Decimal            a price for `quantity` SKU units as one unit's price
                                                    (ValueError: no amount of money at all)
"""

from __future__ import annotations

from decimal import Decimal

from domain.money import PRICE_MAX, money

ABSURD_FACTOR = Decimal(10)
NOT_MONEY = 15                   # digits before the point past which a figure is no price, even an absurd one


def check_price(price: Decimal, catalogue: Decimal | None) -> str | None:
    if not price.is_finite() or price <= 0:
        return "not_positive"
    if price > PRICE_MAX or price != price.quantize(Decimal("0.01")):
        return "absurd"
    if catalogue is not None and catalogue > 0 and not catalogue / ABSURD_FACTOR <= price <= catalogue * ABSURD_FACTOR:
        return "absurd"
    return None


def per_unit(price: Decimal, quantity: Decimal) -> Decimal:
    """The price of one SKU unit when `price` buys `quantity` of them (money, 2 places)."""
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    if not price.is_finite():
        raise ValueError("not an amount of money")
    each = price / quantity
    if each.adjusted() >= NOT_MONEY:
        raise ValueError("not an amount of money")
    return money(each)
