"""Vendor scoring and retailer credit scoring: the one definition of each formula.

The database only counts what goes in (storage.repos.scoring, storage.repos.credit); every score is
computed here.

Every component is a number in 0..1 (1 = best), built from three operations only:

    smooth(successes, trials) = (successes + PRIOR_WEIGHT × NEUTRAL) / (trials + PRIOR_WEIGHT)
    blend(value, n)           = (value × n + NEUTRAL × PRIOR_WEIGHT) / (n + PRIOR_WEIGHT)
    falling(x, best, worst)   = clamp((worst − x) / (worst − best), 0, 1)    1 at/below best, 0 at/above worst

`smooth`/`blend` are Bayesian shrinkage toward NEUTRAL: with no history every component is NEUTRAL,
and it moves to the observed value as observations pile up. score = round(100 × Σ weight × component, 1).

Vendor components (VENDOR_WEIGHTS):
    response      blend(falling(avg_response_seconds, FAST_RESPONSE_S, SLOW_RESPONSE_S), accepted + rejected)
    acceptance    smooth(accepted, offers)                      expired offers count as not accepted
    price         falling(price_index, CHEAP_PRICE_INDEX, DEAR_PRICE_INDEX)   NEUTRAL when unknown
    on_time       smooth(on_time_deliveries, deliveries)
    cancellation  smooth(accepted − cancellations, accepted)    share of accepted orders not cancelled
Tier from VENDOR_TIERS; grade from `domain.metrics.grade_for`.

Credit components (CREDIT_WEIGHTS):
    punctuality    smooth(on_time_payments, on_time_payments + late_payments)
    payment_speed  blend(falling(avg_days_to_pay, PROMPT_PAY_DAYS, SLOW_PAY_DAYS), payments)  NEUTRAL if None
    utilisation    falling(utilisation, COMFORTABLE_UTILISATION, 1.0)
    activity       clamp(0.5 + 0.5 × (orders_last_30d − orders_prev_30d) / max(orders_prev_30d, 1), 0, 1)
    tenure         clamp(account_age_days / MATURE_ACCOUNT_DAYS, 0, 1)
Risk from CREDIT_RISK_THRESHOLDS. HIGH risk orders are HELD for an operator (orders.status_on_confirm).

API:
    score_vendor(VendorMetrics) -> VendorScore(score, tier, grade, components)
    score_credit(CreditInputs) -> CreditScore(score, risk, components)
    suggest_limit(current_limit, score, bounds, step) -> Decimal
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from domain.metrics import Grade, grade_for
from domain.money import money

PRIOR_WEIGHT = 5.0
NEUTRAL = 0.6

FAST_RESPONSE_S = 120.0
SLOW_RESPONSE_S = 1800.0
CHEAP_PRICE_INDEX = 0.90
DEAR_PRICE_INDEX = 1.10
VENDOR_WEIGHTS: Mapping[str, float] = {
    "response": 0.20,
    "acceptance": 0.25,
    "price": 0.15,
    "on_time": 0.25,
    "cancellation": 0.15,
}

PROMPT_PAY_DAYS = 7.0
SLOW_PAY_DAYS = 45.0
COMFORTABLE_UTILISATION = 0.5
MATURE_ACCOUNT_DAYS = 180.0
CREDIT_WEIGHTS: Mapping[str, float] = {
    "punctuality": 0.35,
    "payment_speed": 0.20,
    "utilisation": 0.20,
    "activity": 0.10,
    "tenure": 0.15,
}
LIMIT_RAISE_AT = 75.0  # credit score at or above which the limit goes up one step
LIMIT_LOWER_BELOW = 45.0  # credit score below which the limit goes down one step


class VendorTier(StrEnum):
    EXCELLENT = "EXCELLENT"
    GOOD = "GOOD"
    AVERAGE = "AVERAGE"
    POOR = "POOR"


class RiskLevel(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


VENDOR_TIERS: tuple[tuple[float, VendorTier], ...] = (
    (85.0, VendorTier.EXCELLENT),
    (70.0, VendorTier.GOOD),
    (50.0, VendorTier.AVERAGE),
)  # below the last minimum: POOR
CREDIT_RISK_THRESHOLDS: tuple[tuple[float, RiskLevel], ...] = (
    (70.0, RiskLevel.LOW),
    (45.0, RiskLevel.MEDIUM),
)  # below the last minimum: HIGH


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return min(high, max(low, value))


def smooth(successes: float, trials: float) -> float:
    """Observed rate shrunk toward NEUTRAL by PRIOR_WEIGHT pseudo-observations."""
    return clamp((successes + PRIOR_WEIGHT * NEUTRAL) / (trials + PRIOR_WEIGHT))


def blend(value: float, observations: float) -> float:
    """A 0..1 value measured over `observations` samples, shrunk toward NEUTRAL."""
    return (value * observations + NEUTRAL * PRIOR_WEIGHT) / (observations + PRIOR_WEIGHT)


def falling(value: float, best: float, worst: float) -> float:
    """1 at or below `best`, 0 at or above `worst`, linear between."""
    return clamp((worst - value) / (worst - best))


def _weighted_score(weights: Mapping[str, float], components: Mapping[str, float]) -> float:
    return round(100.0 * sum(weights[name] * components[name] for name in weights), 1)


def _non_negative(**counts: float) -> None:
    bad = [name for name, value in counts.items() if value < 0]
    if bad:
        raise ValueError(f"must not be negative: {', '.join(bad)}")


@dataclass(frozen=True, slots=True)
class VendorMetrics:
    offers: int
    accepted: int
    rejected: int
    expired: int
    avg_response_seconds: float | None
    on_time_deliveries: int
    deliveries: int
    cancellations: int  # accepted orders the vendor later cancelled or failed
    price_index: float | None  # vendor price / market median; 1.0 = median


@dataclass(frozen=True, slots=True)
class VendorScore:
    score: float  # 0..100, one decimal
    tier: VendorTier
    grade: Grade
    components: Mapping[str, float]


def score_vendor(m: VendorMetrics) -> VendorScore:
    """Weighted vendor score with a neutral prior for vendors with little history."""
    _non_negative(
        offers=m.offers,
        accepted=m.accepted,
        rejected=m.rejected,
        expired=m.expired,
        on_time_deliveries=m.on_time_deliveries,
        deliveries=m.deliveries,
        cancellations=m.cancellations,
    )
    responded = m.accepted + m.rejected
    components = {
        "response": NEUTRAL
        if m.avg_response_seconds is None
        else blend(falling(m.avg_response_seconds, FAST_RESPONSE_S, SLOW_RESPONSE_S), responded),
        "acceptance": smooth(m.accepted, m.offers),
        "price": NEUTRAL
        if m.price_index is None
        else falling(m.price_index, CHEAP_PRICE_INDEX, DEAR_PRICE_INDEX),
        "on_time": smooth(m.on_time_deliveries, m.deliveries),
        "cancellation": smooth(max(m.accepted - m.cancellations, 0), m.accepted),
    }
    score = _weighted_score(VENDOR_WEIGHTS, components)
    tier = next((t for minimum, t in VENDOR_TIERS if score >= minimum), VendorTier.POOR)
    return VendorScore(score, tier, grade_for(score), components)


@dataclass(frozen=True, slots=True)
class CreditInputs:
    on_time_payments: int
    late_payments: int
    avg_days_to_pay: float | None
    orders_last_30d: int
    orders_prev_30d: int
    utilisation: float  # outstanding / limit, 0..1 (values above 1 count as 1)
    account_age_days: int


@dataclass(frozen=True, slots=True)
class CreditScore:
    score: float  # 0..100, one decimal
    risk: RiskLevel
    components: Mapping[str, float]


def score_credit(c: CreditInputs) -> CreditScore:
    """Retailer creditworthiness; a brand-new account lands at MEDIUM risk."""
    _non_negative(
        on_time_payments=c.on_time_payments,
        late_payments=c.late_payments,
        orders_last_30d=c.orders_last_30d,
        orders_prev_30d=c.orders_prev_30d,
        account_age_days=c.account_age_days,
    )
    payments = c.on_time_payments + c.late_payments
    growth = (c.orders_last_30d - c.orders_prev_30d) / max(c.orders_prev_30d, 1)
    components = {
        "punctuality": smooth(c.on_time_payments, payments),
        "payment_speed": NEUTRAL
        if c.avg_days_to_pay is None
        else blend(falling(c.avg_days_to_pay, PROMPT_PAY_DAYS, SLOW_PAY_DAYS), payments),
        "utilisation": falling(c.utilisation, COMFORTABLE_UTILISATION, 1.0),
        "activity": clamp(0.5 + 0.5 * growth),
        "tenure": clamp(c.account_age_days / MATURE_ACCOUNT_DAYS),
    }
    score = _weighted_score(CREDIT_WEIGHTS, components)
    return CreditScore(score, risk_for(score), components)


def risk_for(score: float) -> RiskLevel:
    """The credit risk of a 0..100 credit score (CREDIT_RISK_THRESHOLDS)."""
    return next((r for minimum, r in CREDIT_RISK_THRESHOLDS if score >= minimum), RiskLevel.HIGH)


def suggest_limit(
    current_limit: Decimal, score: float, bounds: tuple[Decimal, Decimal], step: Decimal
) -> Decimal:
    """One `step` up at LIMIT_RAISE_AT or more, one down below LIMIT_LOWER_BELOW, kept within bounds."""
    low, high = bounds
    if low > high:
        raise ValueError("limit bounds must be (min, max) with min <= max")
    if step <= 0:
        raise ValueError("limit step must be positive")
    if score >= LIMIT_RAISE_AT:
        proposed = current_limit + step
    elif score < LIMIT_LOWER_BELOW:
        proposed = current_limit - step
    else:
        proposed = current_limit
    return money(min(high, max(low, proposed)))
