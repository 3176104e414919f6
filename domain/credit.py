"""Credit ledger rules and payment claims.

The ledger is append-only: a retailer's balance is the sum of its entries, nothing is updated or
deleted; a mistake is corrected by a new ADJUSTMENT. Each entry's `signed_amount` is its effect on
what the retailer owes:

    ORDER_DEBIT     +amount   credit reserved for an order (becomes the debt once delivered)
    ORDER_RELEASE   −amount   reversal of an order's debit: cancelled/rejected/expired/failed
    PAYMENT_CREDIT  −amount   a confirmed payment
    ADJUSTMENT      ±amount   an operator's correction (sign given by the amount)

When an order debits (decision): the ORDER_DEBIT is written in the same transaction that confirms
the draft (DRAFT -> PENDING_VENDOR / HELD / QUEUED), after `check_order_fits` on the balance read
under a per-retailer lock (SELECT ... FOR UPDATE on the retailer row). Reserving at confirmation
means two confirmations racing each other cannot both spend the same headroom. The debit is
reversed by `release_for_order` when the order ends without delivery (see `orders.release_on`);
on DELIVERED it simply stays as the amount owed. `release_for_order` nets all entries of the order,
so running it twice (jobs run at least once) writes nothing the second time.

API:
    LedgerEntry(retailer_id, kind, amount, at, order_id=None, note="")   .signed_amount
    order_debit(retailer_id, order_id, amount, at) -> LedgerEntry
    release_for_order(entries, order_id, at, note="") -> LedgerEntry | None
    outstanding(entries) -> Decimal                      owed now (negative = paid in advance)
    available_credit(limit, outstanding) -> Decimal      never below zero
    check_order_fits(limit, outstanding, order_total) -> CreditCheck(ok, available, shortfall)
    PaymentClaim(...), confirm_claim(claim, by, at, amount=None) -> (PaymentClaim, LedgerEntry)
    vendor_share(claim, owed_to_vendor, outstanding) -> Decimal
    confirm_by_vendor(claim, by, at, share) -> (PaymentClaim, LedgerEntry | None)
    reject_claim(claim, by, at, reason) -> PaymentClaim

Who may confirm a claim: an admin, for any amount; or a vendor the retailer owes for delivered
orders, for at most what it is owed (and never past zero dues) — the rest of the claim is HELD for
an admin, who confirms or rejects it like a pending one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.money import ZERO, is_money


class EntryKind(StrEnum):
    ORDER_DEBIT = "ORDER_DEBIT"
    ORDER_RELEASE = "ORDER_RELEASE"
    PAYMENT_CREDIT = "PAYMENT_CREDIT"
    ADJUSTMENT = "ADJUSTMENT"


_SIGN = {
    EntryKind.ORDER_DEBIT: 1,
    EntryKind.ORDER_RELEASE: -1,
    EntryKind.PAYMENT_CREDIT: -1,
    EntryKind.ADJUSTMENT: 1,
}
_ORDER_KINDS = frozenset({EntryKind.ORDER_DEBIT, EntryKind.ORDER_RELEASE})


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One ledger row. `amount` is positive except for ADJUSTMENT, which is signed and non-zero."""

    retailer_id: int
    kind: EntryKind
    amount: Decimal
    at: datetime
    order_id: int | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if not is_money(self.amount):
            raise ValueError(f"ledger amount must be a Decimal with 2 places, got {self.amount!r}")
        if self.kind is EntryKind.ADJUSTMENT:
            if self.amount == ZERO:
                raise ValueError("an adjustment must not be zero")
        elif self.amount <= ZERO:
            raise ValueError(f"{self.kind.value} amount must be positive")
        if self.kind in _ORDER_KINDS and self.order_id is None:
            raise ValueError(f"{self.kind.value} entries need an order_id")

    @property
    def signed_amount(self) -> Decimal:
        """Effect on the amount owed (+ owes more, − owes less)."""
        return self.amount * _SIGN[self.kind]


@dataclass(frozen=True, slots=True)
class CreditCheck:
    ok: bool
    available: Decimal  # headroom before this order
    shortfall: Decimal  # how much the order exceeds the headroom (0 when ok)


def order_debit(retailer_id: int, order_id: int, amount: Decimal, at: datetime) -> LedgerEntry:
    """The ORDER_DEBIT that reserves credit for a confirmed order."""
    return LedgerEntry(retailer_id, EntryKind.ORDER_DEBIT, amount, at, order_id)


def held_for_order(entries: Iterable[LedgerEntry], order_id: int) -> Decimal:
    """Credit still reserved by an order: its debits minus its releases."""
    return sum((e.signed_amount for e in entries if e.order_id == order_id and e.kind in _ORDER_KINDS), ZERO)


def release_for_order(
    entries: Iterable[LedgerEntry], order_id: int, at: datetime, note: str = ""
) -> LedgerEntry | None:
    """The ORDER_RELEASE giving back what the order still holds, or None if it holds nothing."""
    order_entries = [e for e in entries if e.order_id == order_id]
    held = held_for_order(order_entries, order_id)
    if held <= ZERO:
        return None
    return LedgerEntry(order_entries[0].retailer_id, EntryKind.ORDER_RELEASE, held, at, order_id, note)


def outstanding(entries: Iterable[LedgerEntry]) -> Decimal:
    """What the retailer owes, reservations included (negative means paid in advance)."""
    return sum((e.signed_amount for e in entries), ZERO)


def available_credit(limit: Decimal, outstanding: Decimal) -> Decimal:
    """Headroom under the limit, never below zero (an advance payment adds to it)."""
    return max(limit - outstanding, ZERO)


def check_order_fits(limit: Decimal, outstanding: Decimal, order_total: Decimal) -> CreditCheck:
    """Whether an order of `order_total` fits in the retailer's available credit."""
    if order_total < ZERO:
        raise ValueError("order total must not be negative")
    available = available_credit(limit, outstanding)
    shortfall = max(order_total - available, ZERO)
    return CreditCheck(ok=shortfall == ZERO, available=available, shortfall=shortfall)


class ClaimStatus(StrEnum):
    PENDING = "PENDING"
    HELD = "HELD"            # a vendor confirmed part; the rest waits for an admin
    CONFIRMED = "CONFIRMED"
    REJECTED = "REJECTED"


class ClaimAlreadyDecided(ValueError):
    """Raised when confirming or rejecting a claim that is no longer PENDING."""


@dataclass(frozen=True, slots=True)
class PaymentClaim:
    """A retailer's "I paid" (eSewa, Khalti, bank, cash), PENDING until an operator decides."""

    claim_id: int
    retailer_id: int
    amount: Decimal
    claimed_at: datetime
    method: str = ""
    reference: str = ""
    status: ClaimStatus = ClaimStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str = ""
    credited: Decimal = ZERO  # written to the ledger so far (a HELD claim's vendor part)

    def __post_init__(self) -> None:
        if not is_money(self.amount) or self.amount <= ZERO:
            raise ValueError("a payment claim needs a positive amount with 2 places")

    @property
    def remaining(self) -> Decimal:
        """What is still to be decided."""
        return max(self.amount - self.credited, ZERO) if self.is_open else ZERO

    @property
    def is_open(self) -> bool:
        return self.status in (ClaimStatus.PENDING, ClaimStatus.HELD)


def _require_pending(claim: PaymentClaim) -> None:
    if not claim.is_open:
        raise ClaimAlreadyDecided(f"claim {claim.claim_id} is already {claim.status.value}")


def vendor_share(claim: PaymentClaim, owed_to_vendor: Decimal, outstanding: Decimal) -> Decimal:
    """How much of a claim a vendor may confirm: what is left of it, at most what the retailer owes
    this vendor and at most the retailer's dues (a vendor never makes the balance negative)."""
    return max(min(claim.remaining, owed_to_vendor, outstanding), ZERO)


def confirm_claim(
    claim: PaymentClaim, by: str, at: datetime, amount: Decimal | None = None
) -> tuple[PaymentClaim, LedgerEntry]:
    """Confirm an open claim (optionally for the amount actually received; by default what is left of
    it) and its PAYMENT_CREDIT. Only an admin decides this way."""
    _require_pending(claim)
    received = claim.remaining if amount is None else amount
    entry = LedgerEntry(
        claim.retailer_id, EntryKind.PAYMENT_CREDIT, received, at, note=f"claim {claim.claim_id}"
    )
    return replace(claim, status=ClaimStatus.CONFIRMED, decided_by=by, decided_at=at,
                   credited=claim.credited + received), entry


def confirm_by_vendor(
    claim: PaymentClaim, by: str, at: datetime, share: Decimal
) -> tuple[PaymentClaim, LedgerEntry | None]:
    """A vendor confirms `share` (from `vendor_share`): CONFIRMED when that is all of the claim,
    otherwise HELD for an admin with `share` credited already."""
    if claim.status is not ClaimStatus.PENDING:
        raise ClaimAlreadyDecided(f"claim {claim.claim_id} is already {claim.status.value}")
    if share < ZERO or share > claim.remaining:
        raise ValueError(f"a vendor's share must be between 0 and {claim.remaining}")
    entry = (LedgerEntry(claim.retailer_id, EntryKind.PAYMENT_CREDIT, share, at, note=f"claim {claim.claim_id}")
             if share > ZERO else None)
    status = ClaimStatus.CONFIRMED if share == claim.remaining else ClaimStatus.HELD
    return replace(claim, status=status, decided_by=by, decided_at=at, credited=claim.credited + share), entry


def reject_claim(claim: PaymentClaim, by: str, at: datetime, reason: str) -> PaymentClaim:
    """Reject an open claim; nothing more is written to the ledger (a HELD claim keeps its vendor part)."""
    _require_pending(claim)
    return replace(claim, status=ClaimStatus.REJECTED, decided_by=by, decided_at=at, reason=reason)
