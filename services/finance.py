"""/finance: delivered value (GMV), platform margin, payments received by method, what is owed by age."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.dashboard import Period
from domain.finance import BUCKETS, age_buckets
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class FinanceReport:
    period: Period
    gmv: Decimal
    margin: Decimal
    orders: int
    payments: dict[str, Decimal]
    outstanding: dict[str, Decimal]      # age bucket -> owed, as of now


async def finance_report(uow: UnitOfWork, period: Period, now: datetime) -> FinanceReport:
    gmv, margin, orders = await uow.finance.gmv_and_margin(period.start, period.end)
    payments = await uow.finance.payments_by_method(period.start, period.end)
    owed = {label: Decimal("0.00") for label, _ in BUCKETS}
    for debt in await uow.finance.debts():
        for label, amount in age_buckets(debt.debits, debt.outstanding, now).items():
            owed[label] += amount
    return FinanceReport(period, gmv, margin, orders, payments, owed)
