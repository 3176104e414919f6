"""Self-healing: find stuck cases, settle earlier retries, apply the next strategy, record each attempt.

Every case is worked in its own unit of work under an advisory lock on the case, re-reading its
attempts, so two workers (or the job and an operator's /heal) never try the same rung twice.
Admins hear only of attempts that FAILED or ESCALATED. See `domain.healing` for the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from domain.healing import ORDER_PROBLEMS, Limits, Outcome, Problem, RecoveryRate, Strategy, is_due, next_strategy
from domain.reasons import PROBLEM_REASONS
from services.events import HealEscalated, HealFailed, VendorNudged
from services.ordering import cancel_order
from services.reassignment import Reassigned, reassign_order
from services.safe_mode import is_safe_mode, release_order
from storage.repos.healing import Attempt, Case
from storage.uow import UnitOfWork

_REASSIGNED = {Reassigned.OFFERED: (Outcome.RECOVERED, False), Reassigned.SPLIT: (Outcome.RECOVERED, False),
               Reassigned.NOT_LIVE: (Outcome.RECOVERED, False), Reassigned.ESCALATED: (Outcome.ESCALATED, True),
               Reassigned.FAILED: (Outcome.FAILED, True)}
NUDGED = frozenset({Problem.NOT_DISPATCHED, Problem.NOT_DELIVERED})  # the vendor holding the order is reminded


@dataclass(frozen=True)
class Result:
    case: Case
    strategy: Strategy | None
    outcome: Outcome | None
    detail: str = ""


@dataclass(frozen=True)
class StuckOrder:
    case: Case
    attempts: int


@dataclass(frozen=True)
class Stuck:
    """What /stuck shows: stuck orders (oldest change first) and how self-healing is doing."""

    orders: list[StuckOrder]
    dead_letters: int
    rate: RecoveryRate


@dataclass(frozen=True)
class Healed:
    """An operator's /heal on one order: `result` when it is live, else None and its status (None too:
    no such order)."""

    status: str | None
    result: Result | None = None


def limits_of(config: Any) -> Limits:
    o = config.orders
    return Limits(o.vendor_response_sla, o.dispatch_limit, o.delivery_limit, config.self_healing.held_limit,
                  o.payment_pending_limit)


async def find_cases(uow: UnitOfWork, now: datetime, config: Any) -> list[Case]:
    """Every stuck case right now: orders past their status limit, failing messages, old payment claims."""
    limits, repo = limits_of(config), uow.healing
    return [*await repo.stuck_orders(now, limits, safe_mode=await is_safe_mode(uow, now)),
            *await repo.failing_messages(now), *await repo.pending_payments(now, limits.payment_pending_limit)]


async def _still_stuck(uow: UnitOfWork, case: Case, attempt: Attempt) -> bool | None:
    """Whether the problem an earlier retry addressed is still there; None: too early to tell."""
    if case.kind == "message":
        status = await uow.healing.message_status(case.id)
        return None if status in ("queued", "sending") else status in ("dead", "failed")
    if case.kind == "order":
        row = await uow.healing.order_state(case.id)
        return row is not None and ORDER_PROBLEMS.get(row["status"]) is case.problem and row["updated_at"] <= attempt.at
    return True


async def settle(uow: UnitOfWork, case: Case, attempts: list[Attempt], now: datetime,
                 cooldown: timedelta) -> list[tuple[int, Outcome]]:
    """Judge PENDING attempts at least `cooldown` old: RECOVERED when the problem went away, else FAILED."""
    settled = []
    for attempt in attempts:
        if attempt.outcome is not Outcome.PENDING or not is_due(attempt.at, now, cooldown):
            continue
        stuck = await _still_stuck(uow, case, attempt)
        if stuck is None:
            continue
        outcome = Outcome.FAILED if stuck else Outcome.RECOVERED
        await uow.healing.settle(attempt.id, outcome, "still stuck" if stuck else "cleared")
        settled.append((attempt.id, outcome))
    return settled


async def pending_attempts(uow: UnitOfWork, now: datetime, cooldown: timedelta) -> list[tuple[Case, Attempt]]:
    """PENDING attempts old enough to judge, with the case each was about."""
    return await uow.healing.pending_attempts(now - cooldown)


async def settle_attempt(uow: UnitOfWork, case: Case, attempt: Attempt, now: datetime,
                         cooldown: timedelta) -> list[tuple[int, Outcome]]:
    """`settle` one attempt under the case's lock."""
    await uow.healing.lock(case)
    return await settle(uow, case, [attempt], now, cooldown)


async def _apply(uow: UnitOfWork, case: Case, strategy: Strategy, now: datetime,
                 config: Any) -> tuple[Outcome, str, bool]:
    """Carry out one strategy; (outcome, detail, admins already told)."""
    reason = PROBLEM_REASONS.get(case.problem, "")
    if strategy is Strategy.ESCALATE:
        await uow.record(HealEscalated(case.label, case.problem, case.since))
        return Outcome.ESCALATED, "admins told", True
    if strategy is Strategy.REASSIGN:
        moved = await reassign_order(uow, case.id, now=now, config=config, actor="system", reason=reason)
        outcome, told = _REASSIGNED[moved.outcome]
        return outcome, f"reassign: {moved.outcome.value.lower()}", told
    if strategy is Strategy.CANCEL:
        cancelled = await cancel_order(uow, case.id, actor="system", reason=reason, now=now)
        status = cancelled.status.value if cancelled.status else "gone"
        return (Outcome.RECOVERED if cancelled.ok else Outcome.FAILED), f"cancel: {status}", False
    if case.problem is Problem.MESSAGE_FAILED:
        await uow.outbox.send_again(case.id, now)
        return Outcome.PENDING, "message queued again", False
    if case.problem is Problem.QUEUE_STALLED:
        released = await release_order(uow, case.id, now, config, "system", reason)
        return (Outcome.RECOVERED if released else Outcome.FAILED), f"released as {released}", False
    vendor_id = (await uow.healing.order_state(case.id) or {}).get("vendor_id")
    if case.problem not in NUDGED or vendor_id is None:
        return Outcome.FAILED, "nothing to retry", False
    await uow.record(VendorNudged(case.id, vendor_id, case.problem))
    return Outcome.PENDING, "vendor reminded", False


async def heal_case(uow: UnitOfWork, case: Case, now: datetime, config: Any, *, force: bool = False,
                    actor: str = "system") -> Result:
    """Settle earlier retries, then try the next rung if one is due (`force`: whatever the cooldown)."""
    await uow.healing.lock(case)
    attempts = await uow.healing.attempts(case)
    await settle(uow, case, attempts, now, timedelta(0) if force else config.self_healing.cooldown)
    attempts = await uow.healing.attempts(case)
    if any(a.outcome is Outcome.PENDING for a in attempts):
        return Result(case, None, None, "waiting to see whether the last retry worked")
    if not force and not is_due(attempts[-1].at if attempts else None, now, config.self_healing.cooldown):
        return Result(case, None, None, "tried recently")
    strategy = next_strategy(case.problem, len(attempts))
    if strategy is None:
        return Result(case, None, None, "every strategy was tried; admins know")
    outcome, detail, told = await _apply(uow, case, strategy, now, config)
    await uow.healing.record(case, strategy, outcome, now, detail, actor)
    if outcome is Outcome.FAILED and not told:
        await uow.record(HealFailed(case.label, case.problem, strategy, detail))
    return Result(case, strategy, outcome, detail)


async def heal_order(uow: UnitOfWork, order_id: int, now: datetime, config: Any, actor: str) -> Healed:
    """An operator heals one order now, whatever the cooldown."""
    case = await uow.healing.order_case(order_id)
    if case is None:
        return Healed((await uow.healing.order_state(order_id) or {}).get("status"))
    return Healed(case.status, await heal_case(uow, case, now, config, force=True, actor=actor))


async def stuck(uow: UnitOfWork, now: datetime, config: Any, limit: int) -> Stuck:
    """The first `limit` stuck orders with their attempts so far, dead letters, the recovery rate."""
    cases = [c for c in await find_cases(uow, now, config) if c.kind == "order"]
    return Stuck([StuckOrder(c, len(await uow.healing.attempts(c))) for c in cases[:limit]],
                 await uow.outbox.dead_count(), await uow.healing.recovery_rate())


async def dead_letters(uow: UnitOfWork, limit: int) -> list[dict[str, Any]]:
    """The newest messages that could not be sent."""
    return await uow.outbox.dead_letters(limit)
