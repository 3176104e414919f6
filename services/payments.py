"""Payment claims: recorded from the retailer's word, decided by an admin or a vendor the retailer owes.

Confirming writes the PAYMENT_CREDIT (`domain.credit`) under the retailer's row lock, the same lock
every ledger writer takes first, then the claim's row; a second decision on the same claim finds it
no longer open and changes nothing. A vendor confirms at most what the retailer owes it for delivered
orders (`domain.credit.vendor_share`); the rest of the claim is HELD and the admins are told.
To a vendor, a claim it may not decide looks exactly like one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import asyncpg

from domain.credit import (
    ClaimAlreadyDecided,
    ClaimStatus,
    PaymentClaim,
    confirm_by_vendor,
    confirm_claim,
    reject_claim,
    vendor_share,
)
from domain.formatting import amount
from domain.money import ZERO, money
from services.present import person
from storage.notifier import Notifier
from storage.repos.ledger import LedgerRepository
from storage.repos.payments import PaymentRepository

VENDORS_TOLD = 3  # vendors asked to confirm a new claim: the ones owed most


class Decided(StrEnum):
    CONFIRMED = "CONFIRMED"
    HELD = "HELD"              # a vendor confirmed its part; the rest waits for an admin
    REJECTED = "REJECTED"
    ALREADY = "ALREADY"        # decided before; `claim` says how
    NOT_FOUND = "NOT_FOUND"    # no such claim, or (to a vendor) one it may not decide


@dataclass
class Decision:
    outcome: Decided
    claim: PaymentClaim | None = None
    outstanding: Decimal = Decimal("0.00")
    available: Decimal = Decimal("0.00")
    credited: Decimal | None = None  # what this decision's PAYMENT_CREDIT took off the dues
    held: Decimal = Decimal("0.00")  # left for an admin


def method_name(notifier: Notifier, method: str, language: str | None) -> str:
    """"esewa" -> "eSewa" in the reader's language ("other" for a method we do not know)."""
    key = f"payment_method_{method}"
    return notifier.texts.render(key if notifier.texts.has(key) else "payment_method_other", language)


async def record_claim(conn: asyncpg.Connection, retailer_id: int, value: Decimal, method: str,
                       notifier: Notifier, now: datetime) -> int:
    """Store a PENDING claim and tell the ops chat and the vendors the retailer owes how to confirm it."""
    payments = PaymentRepository(conn)
    claim_id = await payments.add(retailer_id, money(value), method, now)
    retailer = await person(conn, retailer_id)
    params = {"claim_id": claim_id, "retailer": retailer.name, "amount": amount(money(value)), "method": method}
    await notifier.notify_admins("admin_payment_claim", skip=retailer.phone, **params)
    for vendor_id in list(await payments.owed_to_vendors(retailer_id))[:VENDORS_TOLD]:
        await notifier.notify((await person(conn, vendor_id)).phone, "vendor_payment_claim", **params)
    return claim_id


async def decide_claim(conn: asyncpg.Connection, claim_id: int, *, confirm: bool, by: str, notifier: Notifier,
                       now: datetime, received: Decimal | None = None, reason: str = "",
                       vendor_id: int | None = None) -> Decision:
    """Confirm (optionally for the amount actually `received`) or reject a claim; the retailer is told.

    With `vendor_id` the decider is a vendor: it may only confirm, and only claims of a retailer that
    owes it for delivered orders (or one it decided itself, to hear that it is decided).
    """
    payments, ledger = PaymentRepository(conn), LedgerRepository(conn)
    retailer_id = await conn.fetchval("SELECT retailer_id FROM payments WHERE id = $1", claim_id)
    if retailer_id is None:
        return Decision(Decided.NOT_FOUND)
    credit = await ledger.lock_retailer(retailer_id)
    claim = await payments.lock(claim_id)
    assert claim is not None
    if vendor_id is not None:
        return await _vendor_confirms(conn, claim, vendor_id, by, notifier, now, credit.outstanding)
    retailer = await person(conn, retailer_id)
    try:
        if confirm:
            decided, entry = confirm_claim(claim, by, now, None if received is None else money(received))
            await ledger.append(entry, payment_id=claim_id)
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
                              amount=amount(claim.remaining), reason=reason)
    return Decision(Decided.CONFIRMED if confirm else Decided.REJECTED, decided, state.outstanding,
                    state.available, entry.amount if confirm else None)


async def _vendor_confirms(conn: asyncpg.Connection, claim: PaymentClaim, vendor_id: int, by: str,
                           notifier: Notifier, now: datetime, outstanding: Decimal) -> Decision:
    """The vendor's part of the claim (caller holds the retailer's lock and the claim's row)."""
    payments, ledger = PaymentRepository(conn), LedgerRepository(conn)
    owed = (await payments.owed_to_vendors(claim.retailer_id)).get(vendor_id, ZERO)
    if owed <= ZERO and await payments.vendor_of(claim.claim_id) != vendor_id:
        return Decision(Decided.NOT_FOUND)
    if claim.status is not ClaimStatus.PENDING:
        return Decision(Decided.ALREADY, claim)
    share = vendor_share(claim, owed, outstanding)
    decided, entry = confirm_by_vendor(claim, by, now, share)
    if entry is not None:
        await ledger.append(entry, payment_id=claim.claim_id)
    await payments.save_decision(decided, vendor_id=vendor_id)
    state = await ledger.state(claim.retailer_id)
    retailer, vendor = await person(conn, claim.retailer_id), await person(conn, vendor_id)
    language = await notifier.language_of(retailer.phone)
    held = decided.remaining
    if held:
        await notifier.notify(retailer.phone, "payment_partly_confirmed", language, claim_id=claim.claim_id,
                              amount=amount(share), held=amount(held), vendor=vendor.name,
                              outstanding=amount(state.outstanding), available=amount(state.available))
        await notifier.notify_admins("admin_payment_held", claim_id=claim.claim_id, retailer=retailer.name,
                                     vendor=vendor.name, amount=amount(share), held=amount(held),
                                     claimed=amount(claim.amount))
    else:
        await notifier.notify(retailer.phone, "payment_confirmed", language, claim_id=claim.claim_id,
                              amount=amount(share), method=method_name(notifier, claim.method, language),
                              outstanding=amount(state.outstanding), available=amount(state.available))
    return Decision(Decided.HELD if held else Decided.CONFIRMED, decided, state.outstanding, state.available,
                    share, held)
