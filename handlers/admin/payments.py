"""/payment: operators list pending payment claims and confirm or reject them."""

from __future__ import annotations

from typing import Any

from domain.formatting import amount
from handlers.admin.framework import Audit, UsageError, admin_command, parse_amount, parse_reference, require, rest
from handlers.context import Reply, Turn
from handlers.routing import Router
from services import UnitOfWork
from services.payments import Decided, decide_claim, pending_claims

router = Router("admin.payments")
USAGE = "/payment list | /payment confirm ID [AMOUNT] | /payment reject ID REASON"


def _claim_id(text: str) -> int:
    return parse_reference(text, "a payment number, like 12")


@admin_command(router, "/payment", usage=USAGE, summary="pending payment claims: list, confirm, reject")
async def payment(args: list[str], reply: Reply, uow: UnitOfWork, turn: Turn, now: Any) -> Audit | None:
    require(args, 1)
    action = args[0].lower()
    if action == "list":
        require(args, 1, at_most=1)
        claims = await pending_claims(uow)
        lines = [reply.texts.render("admin_payment_line", None, claim_id=p.claim.claim_id, retailer=p.retailer,
                                    amount=amount(p.claim.remaining), method=p.claim.method) for p in claims]
        if lines:
            await reply("admin_payment_list", lines="\n".join(lines))
        else:
            await reply("admin_payment_none")
        return None
    if action == "confirm":
        require(args, 2, at_most=3)
        received = parse_amount(args[2]) if len(args) == 3 else None
        if received is not None and received <= 0:
            raise UsageError("the amount received must be more than zero")
        decision = await decide_claim(uow, _claim_id(args[1]), confirm=True, by=f"admin:{turn.user.id}", now=now,
                                      received=received)
    elif action == "reject":
        require(args, 3)
        decision = await decide_claim(uow, _claim_id(args[1]), confirm=False, by=f"admin:{turn.user.id}", now=now,
                                      reason=rest(args, 2))
    else:
        raise UsageError(f"unknown action {args[0]!r}")
    claim_id = _claim_id(args[1])
    if decision.outcome in (Decided.CONFIRMED, Decided.REJECTED):
        assert decision.claim is not None
        await reply("admin_payment_decided_reply", claim_id=claim_id, decision=decision.outcome.value.lower(),
                    amount=amount(decision.credited or decision.claim.amount), outstanding=amount(decision.outstanding))
        return Audit(subject=f"payment {claim_id}", before={"status": "PENDING"},
                     after={"status": decision.outcome.value})
    await reply(f"payment_decision_{decision.outcome.value.lower()}", claim_id=claim_id,
                status=decision.claim.status.value.lower() if decision.claim else "")
    return None
