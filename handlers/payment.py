"""Payments and dues: "5000 pathaye esewa bata" records a claim for an admin or a vendor the retailer
owes to confirm; "mero baki kati cha?" shows what is owed, the limit, what is left and the last entries.
Vendors confirm with "payment ok 12" (the claim number they were sent), for at most what they are owed;
the rest waits for an admin."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from domain.bounds import PAYMENT, read_reference
from domain.formatting import amount
from domain.people import User
from handlers.context import Reply, Turn
from handlers.routing import RETAILER, VENDOR, Priority, Router
from handlers.services_text import local_time
from handlers.vendor import vendor_command
from nlu.types import Parse
from services import UnitOfWork, payments
from services.events import PaymentDecided
from services.payments import Decided, decide_claim, method_name, record_claim

router = Router("payment")
UNKNOWN_METHOD = "other"
LEDGER_SHOWN = 5
_VENDOR_OK = re.compile(
    r"^\s*(?:payment|paiment|pement|bhuktani|paisa|bhuktaani|भुक्तानी|पैसा)\s+"
    r"(?:ok|okay|confirm(?:ed)?|received|recieved|aayo|payo|paayo|mil(?:yo|eko)|thik|ठिक|आयो|पायो)\s*#?\s*(\d+)\s*$",
    re.IGNORECASE)


def claimed_amount(value: Any) -> Decimal | None:
    """The amount of a claim as a finite positive Decimal, or None."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    number = Decimal(str(value))
    return number if number.is_finite() and number >= PAYMENT.low else None


@router.intent("payment", roles=(RETAILER,))
async def claim(reply: Reply, parse: Parse, turn: Turn, user: User, uow: UnitOfWork, now: Any, config: Any) -> None:
    # "payment ok 12" or "delivered 1004" names a claim or an order, not an amount paid
    names_a_number = bool(_VENDOR_OK.match(turn.text) or vendor_command(turn))
    value = None if names_a_number else claimed_amount(parse.entities.get("amount"))
    if value is None:
        await reply("payment_need_amount")
        return
    largest = Decimal(str(config.credit.max_limit))  # more than any credit line we grant: a typo
    if value > largest:
        await reply("payment_too_large", largest=amount(largest))
        return
    method = str(parse.entities.get("method") or UNKNOWN_METHOD)
    claim_id = await record_claim(uow, user.id, value, method, now)
    await reply("payment_claimed", claim_id=claim_id, amount=amount(value),
                method=method_name(reply, method, reply.language))


@router.intent("balance", roles=(RETAILER,))
async def balance(reply: Reply, user: User, uow: UnitOfWork, config: Any) -> None:
    shown = await payments.balance(uow, user.id, LEDGER_SHOWN)
    lines = [reply.texts.render("balance_entry", reply.language, at=local_time(config, e.at),
                                what=reply.texts.render(f"ledger_{e.kind.lower()}", reply.language,
                                                        order_id=e.order_id or ""),
                                amount=("+" if e.amount > 0 else "−") + amount(abs(e.amount)),
                                balance=amount(e.balance_after)) for e in shown.entries]
    credit = shown.credit
    await reply("balance", outstanding=amount(credit.outstanding), limit=amount(credit.limit),
                available=amount(credit.available),
                entries="\n".join(lines) or reply.texts.render("balance_no_entries", reply.language),
                pending=reply.texts.render("balance_pending", reply.language, amount=amount(shown.pending)) + "\n"
                if shown.pending else "")


def _vendor_payment_ok(turn: Turn) -> dict[str, int] | None:
    match = _VENDOR_OK.match(turn.text)
    return {"claim_id": read_reference(match.group(1))} if match else None


@router.message(priority=Priority.COMMAND, roles=(VENDOR,), filters=[_vendor_payment_ok])
async def vendor_confirms(reply: Reply, user: User, claim_id: int, uow: UnitOfWork, now: Any) -> None:
    decision = await decide_claim(uow, claim_id, confirm=True, by=f"vendor:{user.id}", now=now, vendor_id=user.id)
    if decision.outcome is Decided.CONFIRMED:
        await reply("vendor_payment_confirmed", claim_id=claim_id, amount=amount(decision.credited or Decimal(0)))
        await uow.record(PaymentDecided(claim_id, user.id, decision.outcome.value))
    elif decision.outcome is Decided.HELD:
        await reply("vendor_payment_held", claim_id=claim_id, amount=amount(decision.credited or Decimal(0)),
                    held=amount(decision.held))
    else:
        await reply(f"payment_decision_{decision.outcome.value.lower()}", claim_id=claim_id,
                    status=decision.claim.status.value.lower() if decision.claim else "")
