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
from typing import Any, Protocol

from domain.credit import (
    ClaimAlreadyDecided,
    ClaimStatus,
    PaymentClaim,
    confirm_by_vendor,
    confirm_claim,
    reject_claim,
    vendor_share,
)
from domain.money import ZERO, money
from services.events import PaymentClaimed, PaymentConfirmed, PaymentHeld, PaymentPartlyConfirmed, PaymentRejected
from storage.repos.ledger import CreditState
from storage.repos.payments import PendingClaim
from storage.repos.retailer_views import Entry
from storage.uow import UnitOfWork


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


@dataclass(frozen=True)
class Balance:
    """What a retailer owes, its limit, its latest ledger entries and what it claimed to have paid."""

    credit: CreditState
    entries: list[Entry]
    pending: Decimal  # claimed, not yet decided


class _Texts(Protocol):
    def has(self, key: str) -> bool: ...

    def render(self, key: str, language: str | None = None, **params: Any) -> str: ...


class _Writer(Protocol):  # a reply or the notifier
    @property
    def texts(self) -> _Texts: ...


def method_name(writer: _Writer, method: str, language: str | None) -> str:
    """"esewa" -> "eSewa" in the reader's language ("other" for a method we do not know)."""
    key = f"payment_method_{method}"
    return writer.texts.render(key if writer.texts.has(key) else "payment_method_other", language)


async def record_claim(uow: UnitOfWork, retailer_id: int, value: Decimal, method: str, now: datetime) -> int:
    """Store a PENDING claim; the ops chat and the vendors the retailer owes hear how to confirm it."""
    claim_id = await uow.payments.add(retailer_id, money(value), method, now)
    await uow.record(PaymentClaimed(claim_id, retailer_id, money(value), method))
    return claim_id


async def decide_claim(uow: UnitOfWork, claim_id: int, *, confirm: bool, by: str, now: datetime,
                       received: Decimal | None = None, reason: str = "", vendor_id: int | None = None) -> Decision:
    """Confirm (optionally for the amount actually `received`) or reject a claim; the retailer is told.

    With `vendor_id` the decider is a vendor: it may only confirm, and only claims of a retailer that
    owes it for delivered orders (or one it decided itself, to hear that it is decided).
    """
    retailer_id = await uow.payments.retailer_of(claim_id)
    if retailer_id is None:
        return Decision(Decided.NOT_FOUND)
    credit = await uow.ledger.lock_retailer(retailer_id)
    claim = await uow.payments.lock(claim_id)
    assert claim is not None
    if vendor_id is not None:
        return await _vendor_confirms(uow, claim, vendor_id, by, now, credit.outstanding)
    try:
        if confirm:
            decided, entry = confirm_claim(claim, by, now, None if received is None else money(received))
            await uow.ledger.append(entry, payment_id=claim_id)
        else:
            decided = reject_claim(claim, by, now, reason)
        await uow.payments.save_decision(decided)
    except ClaimAlreadyDecided:
        return Decision(Decided.ALREADY, claim)
    state = await uow.ledger.state(retailer_id)
    if confirm:
        await uow.record(PaymentConfirmed(claim_id, retailer_id, entry.amount, claim.method, state.outstanding,
                                          state.available))
    else:
        await uow.record(PaymentRejected(claim_id, retailer_id, claim.remaining, reason))
    return Decision(Decided.CONFIRMED if confirm else Decided.REJECTED, decided, state.outstanding,
                    state.available, entry.amount if confirm else None)


async def _vendor_confirms(uow: UnitOfWork, claim: PaymentClaim, vendor_id: int, by: str, now: datetime,
                           outstanding: Decimal) -> Decision:
    """The vendor's part of the claim (caller holds the retailer's lock and the claim's row)."""
    owed = (await uow.payments.owed_to_vendors(claim.retailer_id)).get(vendor_id, ZERO)
    if owed <= ZERO and await uow.payments.vendor_of(claim.claim_id) != vendor_id:
        return Decision(Decided.NOT_FOUND)
    if claim.status is not ClaimStatus.PENDING:
        return Decision(Decided.ALREADY, claim)
    share = vendor_share(claim, owed, outstanding)
    decided, entry = confirm_by_vendor(claim, by, now, share)
    if entry is not None:
        await uow.ledger.append(entry, payment_id=claim.claim_id)
    await uow.payments.save_decision(decided, vendor_id=vendor_id)
    state = await uow.ledger.state(claim.retailer_id)
    held = decided.remaining
    if held:
        await uow.record(PaymentPartlyConfirmed(claim.claim_id, claim.retailer_id, vendor_id, share, held,
                                                state.outstanding, state.available))
        await uow.record(PaymentHeld(claim.claim_id, claim.retailer_id, vendor_id, share, held, claim.amount))
    else:
        await uow.record(PaymentConfirmed(claim.claim_id, claim.retailer_id, share, claim.method, state.outstanding,
                                          state.available))
    return Decision(Decided.HELD if held else Decided.CONFIRMED, decided, state.outstanding, state.available,
                    share, held)


async def pending_claims(uow: UnitOfWork) -> list[PendingClaim]:
    """Claims waiting for a decision, oldest first."""
    return await uow.payments.pending()


async def balance(uow: UnitOfWork, retailer_id: int, entries: int) -> Balance:
    """The retailer's dues and limit as they stand, with its last `entries` ledger rows."""
    credit = await uow.ledger.state(retailer_id)
    tail = await uow.views.ledger_tail(retailer_id, entries)
    pending = await uow.payments.pending(retailer_id=retailer_id)
    return Balance(credit, tail, sum((p.claim.remaining for p in pending), Decimal(0)))
