"""Repeat-order prediction per retailer: frequency class, next order day with an interval, usual basket.

Works on order *days* (a retailer's orders on one day are one occasion, their baskets summed).

Next order day (`predict_next`), the "phase" method (bench/predict.py measures it):
  1. period P = median of the intervals between occasions; intervals of about 2×, 3×… P are skipped
     cycles and count as that many intervals of P (so a skipped week does not stretch the period);
  2. each occasion gets its cycle number k (the count of periods since the first one), and a least-
     squares line day = a + P'·k through the last FIT_CYCLES occasions gives a period P' and phase a
     that average the jitter out (or, `robust`, the phase as the median residual of that slope);
  3. next = a + P'·(k_last + 1); when that is not after `after`: overdue by under GRACE × P' the order
     is late and expected the day after `after`, else moved on by whole periods (a retailer who
     skipped is expected on its next cycle, not in the past); a known public holiday moves it a day on.
FIT_CYCLES, GRACE (and least squares over median phase) and BASKET_OCCASIONS are what bench/predict.py chose by
validation inside the first five months of its histories, never on the test month.
The interval is next ± max(1, 1.5 × median absolute deviation of the fit's residuals) days.

Frequency class from P: DAILY ≤ 1.5 days, WEEKLY 5–9, FORTNIGHTLY 11–17, MONTHLY 25–35 (inclusive),
else IRREGULAR; also IRREGULAR when the intervals scatter (median absolute deviation of the
skip-corrected intervals over P above MAX_SCATTER).

Basket (`predict_basket`): the items in at least half of the last BASKET_OCCASIONS occasions, each
with the median of its quantities there; recent occasions only, so a basket that drifts is followed.

API:
    Occasion(day, basket)                                 basket: sku -> quantity (Decimal)
    occasions_of(orders) -> list[Occasion]                orders: (day, basket) in any order
    frequency_class(period_days, scatter) -> Frequency
    predict_next(occasions, after, *, fit_cycles, grace, robust, holidays) -> NextOrder | None
                                                          None with fewer than MIN_INTERVALS intervals
    predict_basket(occasions, last=BASKET_OCCASIONS) -> dict[str, Decimal]
    naive_next(occasions, after), naive_basket(occasions) the baseline: last interval, last basket
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from statistics import median


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    IRREGULAR = "irregular"


MIN_INTERVALS = 2
FIT_CYCLES = 30
BASKET_OCCASIONS = 4
MAX_SCATTER = 0.35
GRACE = 0.2
CLASS_RANGES: tuple[tuple[Frequency, float, float], ...] = (
    (Frequency.DAILY, 0.5, 1.5),
    (Frequency.WEEKLY, 5.0, 9.0),
    (Frequency.FORTNIGHTLY, 11.0, 17.0),
    (Frequency.MONTHLY, 25.0, 35.0),
)


@dataclass(frozen=True, slots=True)
class Occasion:
    day: date
    basket: Mapping[str, Decimal]


@dataclass(frozen=True, slots=True)
class NextOrder:
    frequency: Frequency
    period_days: float
    day: date
    earliest: date
    latest: date


def occasions_of(orders: Iterable[tuple[date, Mapping[str, Decimal]]]) -> list[Occasion]:
    """One occasion per order day, baskets of the same day summed, oldest first."""
    by_day: dict[date, dict[str, Decimal]] = defaultdict(dict)
    for day, basket in orders:
        merged = by_day[day]
        for sku, qty in basket.items():
            merged[sku] = merged.get(sku, Decimal(0)) + qty
    return [Occasion(day, by_day[day]) for day in sorted(by_day)]


def frequency_class(period_days: float, scatter: float = 0.0) -> Frequency:
    if scatter > MAX_SCATTER:
        return Frequency.IRREGULAR
    return next((f for f, low, high in CLASS_RANGES if low <= period_days <= high), Frequency.IRREGULAR)


def _cycles(gaps: list[int], period: float) -> list[int]:
    """How many periods each gap spans (at least one)."""
    return [max(1, round(gap / period)) for gap in gaps]


def _fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least-squares intercept and slope; slope 0 when xs do not vary."""
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return my, 0.0
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    return my - slope * mx, slope


def _roll_past(day: float, period: float, after: date, grace: float = 0.0) -> float:
    """`day` if after `after`; the day after `after` when it is overdue by at most `grace` × period (a
    late order is likelier than a skipped one); else moved on by whole periods past `after`."""
    limit = after.toordinal()
    if day <= limit and period > 0:
        if limit - day < grace * period:
            return float(limit + 1)
        day += period * (int((limit - day) // period) + 1)
    return day


def _window(centre: date, spread: float) -> tuple[date, date]:
    half = timedelta(days=round(max(1.0, spread)))
    return centre - half, centre + half


def predict_next(occasions: list[Occasion], after: date, *, fit_cycles: int | None = None,
                 grace: float | None = None, robust: bool = False,
                 holidays: frozenset[date] | set[date] = frozenset()) -> NextOrder | None:
    """Next order day after `after` by the phase method (module docstring), or None."""
    days = [o.day.toordinal() for o in occasions]
    gaps = [b - a for a, b in pairwise(days)]
    if len(gaps) < MIN_INTERVALS:
        return None
    period = float(median(gaps))
    cycles = _cycles(gaps, period)
    unit_gaps = [g / c for g, c in zip(gaps, cycles, strict=True)]
    period = float(median(unit_gaps))
    scatter = median(abs(g - period) for g in unit_gaps) / period
    ks = [0]
    for c in cycles:
        ks.append(ks[-1] + c)
    fit = fit_cycles or FIT_CYCLES
    xs, ys = [float(k) for k in ks[-fit:]], [float(d) for d in days[-fit:]]
    intercept, slope = _fit(xs, ys)
    slope = slope if slope > 0 else period
    if robust:
        intercept = float(median(y - slope * x for x, y in zip(xs, ys, strict=True)))
    residuals = [y - (intercept + slope * x) for x, y in zip(xs, ys, strict=True)]
    nxt = _roll_past(intercept + slope * (ks[-1] + 1), slope, after, GRACE if grace is None else grace)
    centre = date.fromordinal(round(nxt))
    while centre in holidays:
        centre += timedelta(days=1)
    earliest, latest = _window(centre, 1.5 * median(abs(r) for r in residuals))
    return NextOrder(frequency_class(period, scatter), slope, centre, earliest, latest)


def predict_basket(occasions: list[Occasion], last: int | None = None) -> dict[str, Decimal]:
    """Items in at least half of the last BASKET_OCCASIONS (or `last`) occasions, with their median quantity."""
    recent = occasions[-(last or BASKET_OCCASIONS):]
    seen: dict[str, list[Decimal]] = defaultdict(list)
    for occasion in recent:
        for sku, qty in occasion.basket.items():
            seen[sku].append(qty)
    return {sku: Decimal(median(qtys)) for sku, qtys in sorted(seen.items()) if 2 * len(qtys) >= len(recent)}


def naive_next(occasions: list[Occasion], after: date) -> date | None:
    """Baseline: last order day + last interval (rolled on past `after` the same way)."""
    if len(occasions) < 2:
        return None
    last, gap = occasions[-1].day.toordinal(), (occasions[-1].day - occasions[-2].day).days
    return date.fromordinal(round(_roll_past(float(last + gap), float(gap), after)))


def naive_basket(occasions: list[Occasion]) -> dict[str, Decimal]:
    """Baseline: the last basket."""
    return dict(occasions[-1].basket) if occasions else {}
