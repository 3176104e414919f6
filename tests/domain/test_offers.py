from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.offers import (
    AcceptOutcome,
    Offer,
    OfferError,
    OfferStatus,
    accept_offer,
    expire_offers,
    make_offer,
    needs_next_vendor,
    reject_offer,
    tried_vendor_ids,
    withdraw_offer,
)

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
TTL = timedelta(minutes=10)
ORDER = 42


def apply(offers: list[Offer], changed) -> list[Offer]:
    """What storage does: replace each changed offer (same vendor and offered_at)."""
    if isinstance(changed, Offer):
        changed = (changed,)
    by_key = {(c.vendor_id, c.offered_at): c for c in changed}
    return [by_key.get((o.vendor_id, o.offered_at), o) for o in offers]


def broadcast(*vendor_ids: int) -> list[Offer]:
    return [make_offer(ORDER, v, T0, TTL) for v in vendor_ids]


def test_make_offer():
    offer = make_offer(ORDER, 5, T0, TTL)
    assert offer.status is OfferStatus.OFFERED
    assert offer.expires_at == T0 + TTL
    assert offer.is_open(T0 + TTL - timedelta(seconds=1))
    assert not offer.is_open(T0 + TTL)
    with pytest.raises(ValueError):
        make_offer(ORDER, 5, T0, timedelta(0))


def test_first_accept_wins_and_others_are_taken():
    offers = broadcast(1, 2, 3)
    first = accept_offer(offers, 2, T0 + timedelta(minutes=1))
    assert first.outcome is AcceptOutcome.ACCEPTED
    offers = apply(offers, first.changed)
    assert [o.status for o in offers] == [
        OfferStatus.TAKEN_BY_OTHER,
        OfferStatus.ACCEPTED,
        OfferStatus.TAKEN_BY_OTHER,
    ]
    assert offers[1].responded_at == T0 + timedelta(minutes=1)

    late = accept_offer(offers, 3, T0 + timedelta(minutes=2))
    assert late.outcome is AcceptOutcome.TAKEN_BY_OTHER and late.changed == ()
    again = accept_offer(offers, 2, T0 + timedelta(minutes=2))
    assert again.outcome is AcceptOutcome.ALREADY_ACCEPTED and again.changed == ()


def test_accept_after_deadline_expires_the_offer():
    offers = broadcast(1)
    result = accept_offer(offers, 1, T0 + TTL)
    assert result.outcome is AcceptOutcome.EXPIRED
    assert [o.status for o in result.changed] == [OfferStatus.EXPIRED]
    assert accept_offer(apply(offers, result.changed), 1, T0 + TTL).outcome is AcceptOutcome.EXPIRED


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (OfferStatus.REJECTED, AcceptOutcome.NOT_OPEN),
        (OfferStatus.WITHDRAWN, AcceptOutcome.NOT_OPEN),
        (OfferStatus.EXPIRED, AcceptOutcome.EXPIRED),
        (OfferStatus.TAKEN_BY_OTHER, AcceptOutcome.TAKEN_BY_OTHER),
    ],
)
def test_accept_on_a_closed_offer(status, outcome):
    offers = [replace(broadcast(1)[0], status=status)]
    assert accept_offer(offers, 1, T0).outcome is outcome


def test_accept_by_a_vendor_never_asked():
    assert accept_offer(broadcast(1), 9, T0).outcome is AcceptOutcome.NOT_OPEN


def test_reject_then_next_vendor():
    offers = broadcast(1)
    assert not needs_next_vendor(offers, T0)
    rejected = reject_offer(offers, 1, T0 + timedelta(minutes=1))
    assert rejected.status is OfferStatus.REJECTED
    offers = apply(offers, rejected)
    assert needs_next_vendor(offers, T0 + timedelta(minutes=1))
    with pytest.raises(OfferError):
        reject_offer(offers, 1, T0 + timedelta(minutes=2))
    with pytest.raises(OfferError):
        reject_offer(broadcast(1), 1, T0 + TTL)  # too late to reject: it has expired


def test_expire_offers_only_touches_overdue_open_offers():
    offers = [
        make_offer(ORDER, 1, T0, TTL),
        make_offer(ORDER, 2, T0 + timedelta(minutes=5), TTL),
        replace(make_offer(ORDER, 3, T0, TTL), status=OfferStatus.REJECTED),
    ]
    now = T0 + TTL
    expired = expire_offers(offers, now)
    assert [(o.vendor_id, o.status) for o in expired] == [(1, OfferStatus.EXPIRED)]
    offers = apply(offers, expired)
    assert expire_offers(offers, now) == ()  # running the job again changes nothing
    assert not needs_next_vendor(offers, now)  # vendor 2 is still deciding
    assert needs_next_vendor(offers, T0 + timedelta(minutes=15))


def test_needs_next_vendor_is_false_once_accepted():
    offers = broadcast(1)
    offers = apply(offers, accept_offer(offers, 1, T0).changed)
    assert not needs_next_vendor(offers, T0 + timedelta(days=1))


def test_withdraw_after_accept_reopens_the_search():
    offers = broadcast(1)
    offers = apply(offers, accept_offer(offers, 1, T0).changed)
    withdrawn = withdraw_offer(offers, 1, T0 + timedelta(hours=1))
    assert withdrawn.status is OfferStatus.WITHDRAWN
    offers = apply(offers, withdrawn)
    assert needs_next_vendor(offers, T0 + timedelta(hours=1))
    with pytest.raises(OfferError):
        withdraw_offer(offers, 1, T0 + timedelta(hours=2))
    # a second vendor can now win the order
    offers = [*offers, make_offer(ORDER, 2, T0 + timedelta(hours=1), TTL)]
    assert accept_offer(offers, 2, T0 + timedelta(hours=1, minutes=1)).outcome is AcceptOutcome.ACCEPTED


def test_reoffer_to_the_same_vendor_uses_its_latest_offer():
    old = replace(make_offer(ORDER, 1, T0, TTL), status=OfferStatus.EXPIRED)
    new = make_offer(ORDER, 1, T0 + timedelta(hours=1), TTL)
    result = accept_offer([old, new], 1, T0 + timedelta(hours=1, minutes=1))
    assert result.outcome is AcceptOutcome.ACCEPTED
    assert result.changed[0].offered_at == new.offered_at


def test_offers_of_different_orders_are_refused():
    mixed = [make_offer(1, 1, T0, TTL), make_offer(2, 2, T0, TTL)]
    with pytest.raises(ValueError):
        accept_offer(mixed, 1, T0)


def test_tried_vendor_ids():
    assert tried_vendor_ids(broadcast(3, 1, 3)) == {1, 3}
