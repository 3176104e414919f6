"""Pure helpers for dashboards and reports, and the one score -> letter grade mapping.

percentile(values, pct) -> float | None       linear interpolation, PostgreSQL's
                                               percentile_cont(pct / 100) to the last bit; None when empty
percentiles(values, pcts=(50, 90)) -> dict[float, float | None]
average(values) -> float | None                exact sum (math.fsum) / count: the same in any order
success_rate(successes, total) -> float | None 0..1, None when total is 0
trend(current, previous, flat_within=0.01) -> Trend(current, previous, change, ratio, direction)
grade_for(score) -> Grade                      A+ A B C D F from GRADE_THRESHOLDS (score 0..100)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from math import floor, fsum


def percentile(values: Iterable[float], pct: float) -> float | None:
    """The `pct`-th percentile (0..100) with linear interpolation between neighbours."""
    return _ranked(sorted(values), pct)


def percentiles(values: Iterable[float], pcts: Iterable[float] = (50, 90)) -> dict[float, float | None]:
    """Several percentiles of the same values (sorted once), keyed by the requested percent."""
    ordered = sorted(values)
    return {p: _ranked(ordered, p) for p in pcts}


def _ranked(ordered: Sequence[float], pct: float) -> float | None:
    # percentile_cont's own steps (fraction × (n − 1), then lo + fraction × (hi − lo)), so a figure
    # computed here is the one PostgreSQL would give, bit for bit
    if not 0 <= pct <= 100:
        raise ValueError("percentile must be within 0..100")
    if not ordered:
        return None
    position = pct / 100 * (len(ordered) - 1)
    low = floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def average(values: Collection[float]) -> float | None:
    """The mean, None when empty; summed exactly, so the same values in another order (rolled up by
    day, or read from the orders) give the same result."""
    return fsum(values) / len(values) if values else None


def success_rate(successes: int, total: int) -> float | None:
    """successes / total, or None when there was nothing to count."""
    if successes < 0 or total < 0 or successes > total:
        raise ValueError("need 0 <= successes <= total")
    return successes / total if total else None


class Direction(StrEnum):
    UP = "UP"
    DOWN = "DOWN"
    FLAT = "FLAT"


@dataclass(frozen=True, slots=True)
class Trend:
    current: float
    previous: float
    change: float  # current − previous
    ratio: float | None  # change / |previous| (0.25 = +25 %); None when previous is 0
    direction: Direction


def trend(current: float, previous: float, flat_within: float = 0.01) -> Trend:
    """Compare a period with the previous one; moves within ±flat_within (relative) are FLAT."""
    change = current - previous
    ratio = change / abs(previous) if previous else None
    if ratio is None:
        direction = Direction.FLAT if change == 0 else (Direction.UP if change > 0 else Direction.DOWN)
    elif abs(ratio) <= flat_within:
        direction = Direction.FLAT
    else:
        direction = Direction.UP if ratio > 0 else Direction.DOWN
    return Trend(current, previous, change, ratio, direction)


class Grade(StrEnum):
    A_PLUS = "A+"
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    F = "F"


GRADE_THRESHOLDS: tuple[tuple[float, Grade], ...] = (
    (95.0, Grade.A_PLUS),
    (85.0, Grade.A),
    (70.0, Grade.B),
    (55.0, Grade.C),
    (40.0, Grade.D),
    (0.0, Grade.F),
)
"""(minimum score, grade), highest first: a score gets the first grade whose minimum it reaches."""


def grade_for(score: float) -> Grade:
    """Letter grade for a 0..100 score (values outside the range are clamped)."""
    return next((grade for minimum, grade in GRADE_THRESHOLDS if score >= minimum), Grade.F)
