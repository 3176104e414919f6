"""Credit scorecard: four factors a retailer can be told about, each 0..1 (1 = safe), weighted to 0..100.

    punctuality  share of payments made by their due date, pulled towards PRIOR (0.6) for a short
                 record: (on_time + PRIOR × PRIOR_WEIGHT) / (payments + PRIOR_WEIGHT)
    utilisation  1 up to half the limit used, falling linearly to 0 at the whole limit
    regularity   1 − coefficient of variation of the days between orders (clamped to 0..1);
                 PRIOR with fewer than three intervals
    disputes     1 − DISPUTE_PENALTY × disputed share of orders (clamped); a dispute is a complaint
                 ticket the retailer raised about an order (whether it was upheld is not recorded)

    score = round(100 × Σ WEIGHTS[f] × factor_f, 1)

API:
    ScorecardInputs(on_time, late, utilisation, order_gaps_days, orders, disputes)
    scorecard(inputs) -> Scorecard(score, factors)          factors in WEIGHTS order
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import mean, pstdev

PRIOR = 0.6
PRIOR_WEIGHT = 5.0
DISPUTE_PENALTY = 4.0
WEIGHTS: Mapping[str, float] = {"punctuality": 0.40, "utilisation": 0.25, "regularity": 0.20, "disputes": 0.15}


@dataclass(frozen=True, slots=True)
class ScorecardInputs:
    on_time: int
    late: int
    utilisation: float            # outstanding / limit
    order_gaps_days: Sequence[float]
    orders: int
    disputes: int


@dataclass(frozen=True, slots=True)
class Scorecard:
    score: float
    factors: Mapping[str, float]


def _clamp(x: float) -> float:
    return min(1.0, max(0.0, x))


def regularity(gaps: Sequence[float]) -> float:
    if len(gaps) < 3 or mean(gaps) <= 0:
        return PRIOR
    return _clamp(1.0 - pstdev(gaps) / mean(gaps))


def scorecard(c: ScorecardInputs) -> Scorecard:
    if min(c.on_time, c.late, c.orders, c.disputes) < 0:
        raise ValueError("counts must not be negative")
    payments = c.on_time + c.late
    factors = {
        "punctuality": (c.on_time + PRIOR * PRIOR_WEIGHT) / (payments + PRIOR_WEIGHT),
        "utilisation": _clamp((1.0 - c.utilisation) / 0.5),
        "regularity": regularity(c.order_gaps_days),
        "disputes": _clamp(1.0 - DISPUTE_PENALTY * c.disputes / max(c.orders, 1)),
    }
    return Scorecard(round(100 * sum(WEIGHTS[k] * factors[k] for k in WEIGHTS), 1), factors)
