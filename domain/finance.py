"""Finance figures that are rules rather than sums: how old the money owed is.

    age_buckets(debits, outstanding, now) -> dict[bucket, Decimal]
        Payments settle the oldest debt first, so what a retailer still owes is the newest of its
        debits: `outstanding` is laid over the debits from the newest back, and each part falls in
        the bucket of its debit's age in days (0–7, 8–30, 31–60, 60+). Owed beyond the debits (an
        operator's adjustment) counts as the oldest; nothing owed gives zeros.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

BUCKETS: tuple[tuple[str, int], ...] = (("0-7", 7), ("8-30", 30), ("31-60", 60), ("60+", 10**9))
"""(label, oldest age in whole days it holds), youngest first."""


def bucket_of(age_days: int) -> str:
    return next(label for label, oldest in BUCKETS if age_days <= oldest)


def age_buckets(debits: Iterable[tuple[datetime, Decimal]], outstanding: Decimal, now: datetime) -> dict[str, Decimal]:
    out = {label: Decimal("0.00") for label, _ in BUCKETS}
    left = outstanding
    for at, amount in sorted(debits, key=lambda d: d[0], reverse=True):
        if left <= 0:
            break
        part = min(left, amount)
        if part > 0:
            out[bucket_of(max(0, (now - at).days))] += part
            left -= part
    if left > 0:
        out[BUCKETS[-1][0]] += left
    return out
