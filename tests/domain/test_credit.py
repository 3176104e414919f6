from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from domain.credit import (
    ClaimAlreadyDecided,
    ClaimStatus,
    CreditCheck,
    EntryKind,
    LedgerEntry,
    PaymentClaim,
    available_credit,
    check_order_fits,
    confirm_by_vendor,
    confirm_claim,
    held_for_order,
    order_debit,
    outstanding,
    reject_claim,
    release_for_order,
    vendor_share,
)

AT = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
RETAILER = 11


def entry(kind: EntryKind, amount: str, order_id: int | None = None) -> LedgerEntry:
    return LedgerEntry(RETAILER, kind, D(amount), AT, order_id)


@pytest.mark.parametrize(
    ("kind", "amount", "signed"),
    [
        (EntryKind.ORDER_DEBIT, "500.00", "500.00"),
        (EntryKind.ORDER_RELEASE, "500.00", "-500.00"),
        (EntryKind.PAYMENT_CREDIT, "200.00", "-200.00"),
        (EntryKind.ADJUSTMENT, "-50.00", "-50.00"),
        (EntryKind.ADJUSTMENT, "75.00", "75.00"),
    ],
)
def test_signed_amount(kind, amount, signed):
    order_id = 1 if kind in (EntryKind.ORDER_DEBIT, EntryKind.ORDER_RELEASE) else None
    assert entry(kind, amount, order_id).signed_amount == D(signed)


def test_outstanding_sums_the_ledger():
    entries = [
        order_debit(RETAILER, 1, D("1000.00"), AT),
        order_debit(RETAILER, 2, D("300.00"), AT),
        entry(EntryKind.ORDER_RELEASE, "300.00", 2),
        entry(EntryKind.PAYMENT_CREDIT, "400.00"),
        entry(EntryKind.ADJUSTMENT, "-25.50"),
    ]
    assert outstanding(entries) == D("574.50")
    assert outstanding([]) == D("0.00")


@pytest.mark.parametrize(
    ("kind", "amount", "order_id", "message"),
    [
        (EntryKind.ORDER_DEBIT, "0.00", 1, "positive"),
        (EntryKind.PAYMENT_CREDIT, "-5.00", None, "positive"),
        (EntryKind.ORDER_DEBIT, "10.005", 1, "2 places"),
        (EntryKind.ADJUSTMENT, "0.00", None, "zero"),
        (EntryKind.ORDER_DEBIT, "10.00", None, "order_id"),
        (EntryKind.ORDER_RELEASE, "10.00", None, "order_id"),
    ],
)
def test_invalid_entries_are_refused(kind, amount, order_id, message):
    with pytest.raises(ValueError, match=message):
        LedgerEntry(RETAILER, kind, D(amount), AT, order_id)


def test_float_amounts_are_refused():
    with pytest.raises(ValueError):
        LedgerEntry(RETAILER, EntryKind.PAYMENT_CREDIT, 10.5, AT)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("limit", "owed", "available"),
    [
        ("5000", "1200", "3800"),
        ("5000", "5000", "0"),
        ("5000", "6500", "0"),  # over the limit (e.g. after a limit cut): never negative
        ("5000", "-1000", "6000"),  # paid in advance
        ("0", "0", "0"),
    ],
)
def test_available_credit(limit, owed, available):
    assert available_credit(D(limit), D(owed)) == D(available)


@pytest.mark.parametrize(
    ("limit", "owed", "total", "expected"),
    [
        ("5000", "1000", "4000", CreditCheck(True, D(4000), D(0))),  # exactly fits
        ("5000", "1000", "4000.01", CreditCheck(False, D(4000), D("0.01"))),
        ("5000", "6000", "100", CreditCheck(False, D(0), D(100))),
        ("5000", "0", "0", CreditCheck(True, D(5000), D(0))),
    ],
)
def test_check_order_fits(limit, owed, total, expected):
    assert check_order_fits(D(limit), D(owed), D(total)) == expected


def test_check_order_fits_rejects_negative_totals():
    with pytest.raises(ValueError):
        check_order_fits(D(100), D(0), D(-1))


def test_reserving_at_confirmation_stops_the_second_racing_order():
    """Two 3000 orders against a 5000 limit: the first debit leaves too little for the second."""
    limit, ledger = D("5000.00"), list[LedgerEntry]()
    first = check_order_fits(limit, outstanding(ledger), D("3000.00"))
    assert first.ok
    ledger.append(order_debit(RETAILER, 1, D("3000.00"), AT))
    second = check_order_fits(limit, outstanding(ledger), D("3000.00"))
    assert not second.ok and second.shortfall == D("1000.00")


def test_release_for_order_gives_back_what_is_held_once():
    ledger = [order_debit(RETAILER, 1, D("800.00"), AT), order_debit(RETAILER, 2, D("200.00"), AT)]
    release = release_for_order(ledger, 1, AT + timedelta(hours=1), "cancelled")
    assert release is not None
    assert (release.kind, release.amount, release.order_id, release.retailer_id) == (
        EntryKind.ORDER_RELEASE,
        D("800.00"),
        1,
        RETAILER,
    )
    ledger.append(release)
    assert held_for_order(ledger, 1) == D("0.00")
    assert outstanding(ledger) == D("200.00")
    assert release_for_order(ledger, 1, AT + timedelta(hours=2)) is None  # idempotent
    assert release_for_order(ledger, 99, AT) is None  # never debited


def test_release_ignores_payments_and_adjustments_on_the_order():
    ledger = [
        order_debit(RETAILER, 1, D("800.00"), AT),
        LedgerEntry(RETAILER, EntryKind.ADJUSTMENT, D("-100.00"), AT, order_id=1),
    ]
    release = release_for_order(ledger, 1, AT)
    assert release is not None and release.amount == D("800.00")


def claim(amount: str = "1500.00") -> PaymentClaim:
    return PaymentClaim(7, RETAILER, D(amount), AT, method="esewa", reference="TX123")


def test_confirm_claim_writes_a_payment_credit():
    decided_at = AT + timedelta(hours=3)
    confirmed, payment = confirm_claim(claim(), "admin:1", decided_at)
    assert confirmed.status is ClaimStatus.CONFIRMED
    assert (confirmed.decided_by, confirmed.decided_at) == ("admin:1", decided_at)
    assert (payment.kind, payment.amount, payment.retailer_id) == (
        EntryKind.PAYMENT_CREDIT,
        D("1500.00"),
        RETAILER,
    )
    ledger = [order_debit(RETAILER, 1, D("2000.00"), AT), payment]
    assert outstanding(ledger) == D("500.00")


def test_confirm_claim_for_the_amount_actually_received():
    _, payment = confirm_claim(claim(), "admin:1", AT, amount=D("1000.00"))
    assert payment.amount == D("1000.00")


def test_reject_claim_and_no_second_decision():
    rejected = reject_claim(claim(), "admin:2", AT, "no such transaction")
    assert rejected.status is ClaimStatus.REJECTED and rejected.reason == "no such transaction"
    with pytest.raises(ClaimAlreadyDecided):
        confirm_claim(rejected, "admin:1", AT)
    confirmed, _ = confirm_claim(claim(), "admin:1", AT)
    with pytest.raises(ClaimAlreadyDecided):
        reject_claim(confirmed, "admin:1", AT, "oops")


@pytest.mark.parametrize("amount", ["0.00", "-10.00", "10.001"])
def test_claims_need_a_positive_money_amount(amount):
    with pytest.raises(ValueError):
        claim(amount)


def test_a_vendor_confirms_what_it_is_owed_and_the_rest_is_held():
    decided, entry = confirm_by_vendor(claim("500.00"), "vendor:9", AT, vendor_share(claim("500.00"), D("200.00"),
                                                                                      D("800.00")))
    assert (decided.status, decided.credited, decided.remaining) == (ClaimStatus.HELD, D("200.00"), D("300.00"))
    assert entry is not None and entry.amount == D("200.00")
    with pytest.raises(ClaimAlreadyDecided):  # only an admin decides a held claim
        confirm_by_vendor(decided, "vendor:9", AT, D("0.00"))
    final, rest = confirm_claim(decided, "admin:1", AT)
    assert (final.status, final.credited, rest.amount) == (ClaimStatus.CONFIRMED, D("500.00"), D("300.00"))


def test_vendor_shares_never_pass_the_claim_the_debt_or_zero_dues():
    import random

    rng = random.Random(11)
    cents = lambda top: D(rng.randint(0, top)) / 100  # noqa: E731
    for _ in range(2000):
        amount, owed, dues = cents(10**7) + D("0.01"), cents(10**7) - D(10**4), cents(10**7) - D(10**4)
        c = claim(str(amount.quantize(D("0.01"))))
        share = vendor_share(c, owed, dues)
        assert D(0) <= share <= c.amount and share <= max(owed, D(0)) and share <= max(dues, D(0))
        decided, entry = confirm_by_vendor(c, "vendor:9", AT, share)
        assert dues - (entry.amount if entry else D(0)) >= min(dues, D(0))  # never pushed below zero
        assert decided.status is (ClaimStatus.CONFIRMED if share == c.amount else ClaimStatus.HELD)
