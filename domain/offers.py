"""Vendor offers: one `Offer` per (order, vendor), each with its own status.

An order in PENDING_VENDOR has one or more OFFERED offers (sequential: one vendor at a time;
broadcast: several at once). The first accept wins: the winner's offer becomes ACCEPTED and every
other open offer of that order becomes TAKEN_BY_OTHER. A late "yes" gets a clear outcome, not an
exception, so the handler can answer "another vendor already took this order".

    OFFERED ──▶ ACCEPTED | REJECTED | EXPIRED | TAKEN_BY_OTHER
    ACCEPTED ──▶ WITHDRAWN   (the vendor backed out after accepting; the order is reassigned)

API (all functions take the offers of ONE order and return new `Offer` values, never mutate):
    make_offer(order_id, vendor_id, at, ttl) -> Offer
    accept_offer(offers, vendor_id, at) -> AcceptResult(outcome, changed)
    reject_offer(offers, vendor_id, at) -> Offer               raises OfferError
    withdraw_offer(offers, vendor_id, at) -> Offer             raises OfferError
    expire_offers(offers, now) -> tuple[Offer, ...]            the offers that just expired
    needs_next_vendor(offers, now) -> bool                     nobody accepted and nobody still deciding
    tried_vendor_ids(offers) -> frozenset[int]                 pass as `exclude` to plan_allocation

Storage applies `changed` in the same transaction that locked the order row, so two vendors
replying at the same moment are serialised and exactly one sees ACCEPTED.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum


class OfferStatus(StrEnum):
    OFFERED = "OFFERED"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
    TAKEN_BY_OTHER = "TAKEN_BY_OTHER"
    WITHDRAWN = "WITHDRAWN"


class AcceptOutcome(StrEnum):
    ACCEPTED = "ACCEPTED"  # this vendor won the order
    ALREADY_ACCEPTED = "ALREADY_ACCEPTED"  # this vendor had already accepted (a repeated reply)
    TAKEN_BY_OTHER = "TAKEN_BY_OTHER"  # another vendor accepted first
    EXPIRED = "EXPIRED"  # the offer's time ran out
    NOT_OPEN = "NOT_OPEN"  # never offered to this vendor, or it already rejected


@dataclass(frozen=True, slots=True)
class Offer:
    order_id: int
    vendor_id: int
    status: OfferStatus
    offered_at: datetime
    expires_at: datetime
    responded_at: datetime | None = None

    def is_open(self, now: datetime) -> bool:
        """OFFERED and not yet past its deadline."""
        return self.status is OfferStatus.OFFERED and now < self.expires_at


@dataclass(frozen=True, slots=True)
class AcceptResult:
    outcome: AcceptOutcome
    changed: tuple[Offer, ...]  # offers whose status changed; empty unless outcome is ACCEPTED/EXPIRED


class OfferError(ValueError):
    """The vendor's offer is not in a state that allows this answer."""


def make_offer(order_id: int, vendor_id: int, at: datetime, ttl: timedelta) -> Offer:
    """A new OFFERED offer that expires `ttl` after `at`."""
    if ttl <= timedelta(0):
        raise ValueError("offer ttl must be positive")
    return Offer(order_id, vendor_id, OfferStatus.OFFERED, at, at + ttl)


def _single_order(offers: Sequence[Offer]) -> None:
    if len({o.order_id for o in offers}) > 1:
        raise ValueError("offers must all belong to one order")


def _find(offers: Sequence[Offer], vendor_id: int) -> Offer | None:
    """The vendor's latest offer (an order may be re-offered to a vendor after reassignment)."""
    mine = [o for o in offers if o.vendor_id == vendor_id]
    return max(mine, key=lambda o: o.offered_at) if mine else None


def accept_offer(offers: Sequence[Offer], vendor_id: int, at: datetime) -> AcceptResult:
    """Apply a vendor's accept: the first accept wins, everyone else still open is TAKEN_BY_OTHER."""
    _single_order(offers)
    mine = _find(offers, vendor_id)
    winner = next((o for o in offers if o.status is OfferStatus.ACCEPTED), None)
    if winner is not None:
        same = winner.vendor_id == vendor_id
        return AcceptResult(AcceptOutcome.ALREADY_ACCEPTED if same else AcceptOutcome.TAKEN_BY_OTHER, ())
    if mine is None or mine.status is not OfferStatus.OFFERED:
        if mine is not None and mine.status in (OfferStatus.EXPIRED, OfferStatus.TAKEN_BY_OTHER):
            return AcceptResult(AcceptOutcome(mine.status.value), ())
        return AcceptResult(AcceptOutcome.NOT_OPEN, ())
    if not mine.is_open(at):
        return AcceptResult(AcceptOutcome.EXPIRED, (replace(mine, status=OfferStatus.EXPIRED),))
    accepted = replace(mine, status=OfferStatus.ACCEPTED, responded_at=at)
    others = tuple(
        replace(o, status=OfferStatus.TAKEN_BY_OTHER)
        for o in offers
        if o is not mine and o.status is OfferStatus.OFFERED
    )
    return AcceptResult(AcceptOutcome.ACCEPTED, (accepted, *others))


def reject_offer(offers: Sequence[Offer], vendor_id: int, at: datetime) -> Offer:
    """The vendor's open offer, now REJECTED; raises `OfferError` if it has none open at `at`."""
    _single_order(offers)
    mine = _find(offers, vendor_id)
    if mine is None or not mine.is_open(at):
        raise OfferError(f"vendor {vendor_id} has no open offer")
    return replace(mine, status=OfferStatus.REJECTED, responded_at=at)


def withdraw_offer(offers: Sequence[Offer], vendor_id: int, at: datetime) -> Offer:
    """The vendor's ACCEPTED offer, now WITHDRAWN (order goes ACCEPTED -> PENDING_VENDOR)."""
    _single_order(offers)
    mine = _find(offers, vendor_id)
    if mine is None or mine.status is not OfferStatus.ACCEPTED:
        raise OfferError(f"vendor {vendor_id} has not accepted this order")
    return replace(mine, status=OfferStatus.WITHDRAWN, responded_at=at)


def expire_offers(offers: Sequence[Offer], now: datetime) -> tuple[Offer, ...]:
    """OFFERED offers past their deadline at `now`, now EXPIRED (empty if none; safe to rerun)."""
    return tuple(
        replace(o, status=OfferStatus.EXPIRED)
        for o in offers
        if o.status is OfferStatus.OFFERED and now >= o.expires_at
    )


def needs_next_vendor(offers: Sequence[Offer], now: datetime) -> bool:
    """True when no offer is accepted and none is still open: time to offer the next vendor."""
    if any(o.status is OfferStatus.ACCEPTED for o in offers):
        return False
    return not any(o.is_open(now) for o in offers)


def tried_vendor_ids(offers: Sequence[Offer]) -> frozenset[int]:
    """Vendors already asked for this order, whatever they answered."""
    return frozenset(o.vendor_id for o in offers)
