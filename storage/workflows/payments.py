"""Payment claims: recorded from the retailer's word, decided by an admin or the retailer's vendor.

Confirming writes the PAYMENT_CREDIT (`domain.credit.confirm_claim`) under the retailer's row lock,
the same lock every ledger writer takes first, then the claim's row; a second decision on the same
claim finds it no longer PENDING and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import asyncpg

from domain.credit import ClaimAlreadyDecided, PaymentClaim, confirm_claim, reject_claim
from domain.money import money
from storage.notify import Notifier
from storage.repos.ledger import LedgerRepository
from storage.repos.payments import PaymentRepository
from storage.workflows.present import amount, person


class Decided(StrEnum):
    CONFIRMED = "CONFIRMED"
    REJECTED = "REJECTED"
    ALREADY = "ALREADY"        # decided before; `claim` says how
    NOT_FOUND = "NOT_FOUND"
    NOT_ALLOWED = "NOT_ALLOWED"  # a vendor that has not served this retailer


@dataclass
class Decision:
    outcome: Decided
    claim: PaymentClaim | None = None
    outstanding: Decimal = Decimal("0.00")
    available: Decimal = Decimal("0.00")
    credited: Decimal | None = None  # what the PAYMENT_CREDIT entry took off the dues


def method_name(notifier: Notifier, method: str, language: str | None) -> str:
    """"esewa" -> "eSewa" in the reader's language ("other" for a method we do not know)."""
    key = f"payment_method_{method}"
    return notifier.texts.render(key if notifier.texts.has(key) else "payment_method_other", language)


async def record_claim(conn: asyncpg.Connection, retailer_id: int, value: Decimal, method: str,
                       notifier: Notifier, now: datetime) -> int:
    """Store a PENDING claim and tell the ops chat and the retailer's latest vendor how to confirm it."""
    payments = PaymentRepository(conn)
    claim_id = await payments.add(retailer_id, money(value), method, now)
    retailer = await person(conn, retailer_id)
    params = {"claim_id": claim_id, "retailer": retailer.name, "amount": amount(money(value)), "method": method}
    await notifier.notify_admins("admin_payment_claim", skip=retailer.phone, **params)
    for vendor_id in (await payments.vendors_of(retailer_id))[:1]:
        await notifier.notify((await person(conn, vendor_id)).phone, "vendor_payment_claim", **params)
    return claim_id


async def decide_claim(conn: asyncpg.Connection, claim_id: int, *, confirm: bool, by: str, notifier: Notifier,
                       now: datetime, received: Decimal | None = None, reason: str = "",
                       vendor_id: int | None = None) -> Decision:
    """Confirm (optionally for the amount actually `received`) or reject a claim; the retailer is told.

    With `vendor_id` the decider is a vendor, allowed only for retailers it has served.
    """
    payments, ledger = PaymentRepository(conn), LedgerRepository(conn)
    retailer_id = await conn.fetchval("SELECT retailer_id FROM payments WHERE id = $1", claim_id)
    if retailer_id is None:
        return Decision(Decided.NOT_FOUND)
    if vendor_id is not None and vendor_id not in await payments.vendors_of(retailer_id, limit=1000):
        return Decision(Decided.NOT_ALLOWED)
    await ledger.lock_retailer(retailer_id)
    claim = await payments.lock(claim_id)
    assert claim is not None
    retailer = await person(conn, retailer_id)
    try:
        if confirm:
            decided, entry = confirm_claim(claim, by, now, None if received is None else money(received))
            await ledger.append(entry, payment_id=claim_id)
            await payments.save_decision(decided, entry.amount)
        else:
            decided = reject_claim(claim, by, now, reason)
            await payments.save_decision(decided)
    except ClaimAlreadyDecided:
        return Decision(Decided.ALREADY, claim)
    state = await ledger.state(retailer_id)
    language = await notifier.language_of(retailer.phone)
    if confirm:
        await notifier.notify(retailer.phone, "payment_confirmed", language, claim_id=claim_id,
                              amount=amount(entry.amount), method=method_name(notifier, claim.method, language),
                              outstanding=amount(state.outstanding), available=amount(state.available))
    else:
        await notifier.notify(retailer.phone, "payment_rejected", language, claim_id=claim_id,
                              amount=amount(claim.amount), reason=reason)
    return Decision(Decided.CONFIRMED if confirm else Decided.REJECTED, decided, state.outstanding,
                    state.available, entry.amount if confirm else None)
