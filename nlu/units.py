"""Units of measure and trade units: spellings from data/units.txt, factors from pint.

pint is consulted once at load time for every unit's factor to its base (gram or millilitre);
the hot path then converts with plain arithmetic, which is ~1000x faster than pint quantities.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pint

UNITS_FILE = Path(__file__).resolve().parent.parent / "data" / "units.txt"

MASS, VOLUME, COUNT, DOZEN = "mass", "volume", "count", "dozen"

# pint's names -> the names used in the catalogue (domain.catalog.SELLING_UNITS)
_SELLING_NAME = {"kilogram": "kg", "gram": "g", "liter": "l", "millilitre_": "ml",
                 "bar_count": "bar", "bag_count": "bag"}
# Symbols pint knows natively; the file only adds spellings.
_BUILTIN_SPELLINGS = {"kilogram": ["kg", "kilogram", "kilograms"], "gram": ["g", "gram", "gr"],
                      "liter": ["l", "liter"], "millilitre_": ["ml", "milliliter", "milliliters"]}

# Counting words: "12 ota" means twelve of whatever the product is sold in.
GENERIC_COUNT = "piece"
# Units a wholesaler treats as the same pack when the product has only one of them.
UNIT_FAMILIES = ({"packet", "pouch", "bag"}, {"crate", "carton", "box"})
# Units that hold many retail units; a product sold in one is only chosen when asked for.
BULK_UNITS = frozenset({"carton", "crate", "sack"})


@dataclass(frozen=True, slots=True)
class Unit:
    name: str  # selling-unit name ("kg", "packet", "pao"...)
    kind: str  # MASS | VOLUME | COUNT | DOZEN
    factor: float  # grams or millilitres per unit; 1 for counts


class UnitTable:
    """All unit spellings and conversion factors, built from a pint definitions file."""

    def __init__(self, path: Path = UNITS_FILE) -> None:
        registry = pint.UnitRegistry()
        pint_log = logging.getLogger("pint.util")
        level = pint_log.level
        pint_log.setLevel(logging.ERROR)  # the file re-aliases pint's own "litre" on purpose: no warning
        try:
            registry.load_definitions(str(path))
        finally:
            pint_log.setLevel(level)
        self._units: dict[str, Unit] = {}
        self.spellings: dict[str, Unit] = {}
        for canonical, names in _read_spellings(path).items():
            if canonical not in registry:
                continue  # a built-in spelling for a unit this file does not define
            unit = self._describe(registry, canonical)
            self._units[unit.name] = unit
            for name in names:
                self.spellings[name.casefold()] = unit

    @staticmethod
    def _describe(registry: pint.UnitRegistry, canonical: str) -> Unit:
        name = _SELLING_NAME.get(canonical, canonical)
        quantity = registry.Quantity(1, canonical)
        if quantity.check("[mass]"):
            return Unit(name, MASS, float(quantity.to("gram").magnitude))
        if quantity.check("[volume]"):
            return Unit(name, VOLUME, float(quantity.to("milliliter").magnitude))
        return Unit(name, DOZEN if canonical == "dozen" else COUNT, 1.0)

    def lookup(self, word: str) -> Unit | None:
        """The unit a message word spells, or None."""
        return self.spellings.get(word)

    def unit(self, name: str) -> Unit | None:
        """The unit for a selling-unit name ("kg", "packet")."""
        return self._units.get(name)

    def convert(self, value: float, source: Unit, target_name: str) -> float | None:
        """value in source expressed in target_name, or None when physics does not allow it."""
        target = self._units.get(target_name)
        if target is None or target.kind != source.kind or source.kind in (COUNT, DOZEN):
            return value if target is not None and target.name == source.name else None
        return value * source.factor / target.factor


def same_family(a: str, b: str) -> bool:
    return a == b or any(a in family and b in family for family in UNIT_FAMILIES)


_DEFINITION = re.compile(r"^(@alias\s+)?([^\s=]+)\s*=\s*(.+)$")


def _read_spellings(path: Path) -> dict[str, list[str]]:
    """canonical pint name -> every spelling written for it in the units file."""
    spellings: dict[str, list[str]] = {k: list(v) for k, v in _BUILTIN_SPELLINGS.items()}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#+"):
            name, _, words = line[2:].partition(":")
            spellings.setdefault(name.strip(), []).extend(words.split())
            continue
        match = _DEFINITION.match(line)
        if not match or line.startswith("#"):
            continue
        alias, name, rest = match.groups()
        parts = [p.strip() for p in rest.split("=")]
        names = parts if alias else [name, *parts[2:]]  # skip the value and the "_" symbol slot
        spellings.setdefault(name, []).extend(n for n in ([name, *names] if alias else names)
                                              if n and n != "_")
    return spellings


@cache
def default_units() -> UnitTable:
    """The project's unit table, loaded once per process."""
    return UnitTable()
