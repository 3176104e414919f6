"""What one unit of a product weighs, for loading vehicles.

A catalogue's `weight_kg` wins. Without it the weight comes from a pack size in the name ("Sugar 50 kg
sack" → 50, "Coke crate 24 x 250 ml" → 24 × 0.25 l × 1.15 for glass and crate ≈ 7), else from the unit:
"""

from __future__ import annotations

import re

UNIT_KG = {  # the documented defaults (README "Delivery")
    "kg": 1.0, "l": 1.0, "g": 0.001, "ml": 0.001, "sack": 50.0, "crate": 7.0, "carton": 10.0, "box": 5.0,
    "dozen": 0.7, "packet": 0.5, "pouch": 0.5, "bottle": 1.0, "jar": 0.5, "can": 0.4, "piece": 0.5,
    "bar": 0.15, "tube": 0.1,
}
OTHER_KG = 1.0
PACKAGING = 1.15  # bottles, tins and crates on top of what they hold
_MASS = {"kg": 1.0, "g": 0.001, "l": 1.0, "ltr": 1.0, "litre": 1.0, "ml": 0.001}
_PACK = re.compile(r"(?:(\d+)\s*[x×*]\s*)?(\d+(?:\.\d+)?)\s*(kg|g|ltr|litre|l|ml)\b", re.IGNORECASE)
_COUNT = re.compile(r"\b(\d+)\s*(?:bottles|cans|pieces|pcs|packets|pouches)\b", re.IGNORECASE)


def unit_weight_kg(unit: str, name: str = "", weight_kg: float | None = None) -> float:
    if weight_kg is not None and weight_kg > 0:
        return float(weight_kg)
    unit = unit.strip().lower()
    if unit in ("kg", "g", "l", "ml"):
        return UNIT_KG[unit]
    match = _PACK.search(name)
    if match:
        counted = _COUNT.search(name)
        count = int(match.group(1) or (counted.group(1) if counted else 1))
        size = float(match.group(2)) * _MASS[match.group(3).lower()]
        liquid = match.group(3).lower() not in ("kg", "g")
        return round(count * size * (PACKAGING if liquid else 1.0), 3) or UNIT_KG.get(unit, OTHER_KG)
    return UNIT_KG.get(unit, OTHER_KG)
