"""Self-healing: find stuck cases, settle earlier retries, apply the next strategy, record each attempt.

Every case is worked in its own transaction under an advisory lock on the case, re-reading its
attempts, so two workers (or the job and an operator's /heal) never try the same rung twice.
Admins hear only of attempts that FAILED or ESCALATED. See `domain.healing` for the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from domain.healing import ORDER_PROBLEMS, Outcome, Problem, Strategy, is_due, next_strategy
from domain.reasons import PROBLEM_REASONS
from services.bootstrap import joined
from services.ordering import cancel_order
from services.present import person, tell
from services.reassignment import Reassigned, reassign_order
from services.safe_mode import is_safe_mode, release_order
from services.texts import Texts
from storage.notifier import Notifier
from storage.repos.healing import Attempt, Case, HealingRepository, limits_of

_REASSIGNED = {Reassigned.OFFERED: (Outcome.RECOVERED, False), Reassigned.SPLIT: (Outcome.RECOVERED, False),
               Reassigned.NOT_LIVE: (Outcome.RECOVERED, False), Reassigned.ESCALATED: (Outcome.ESCALATED, True),
               Reassigned.FAILED: (Outcome.FAILED, True)}
_NUDGES = {Problem.NOT_DISPATCHED: "vendor_dispatch_nudge", Problem.NOT_DELIVERED: "vendor_delivery_nudge"}


@dataclass(frozen=True)
class Result:
    case: Case
    strategy: Strategy | None
    outcome: Outcome | None
    detail: str = ""


@dataclass
class HealingReport:
    settled: list[tuple[int, Outcome]] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)


async def find_cases(conn: asyncpg.Connection, now: datetime, config: Any) -> list[Case]:
    """Every stuck case right now: orders past their status limit, failing messages, old payment claims."""
    repo = HealingRepository(conn)
    limits = limits_of(config)
    return [*await repo.stuck_orders(now, limits, safe_mode=await is_safe_mode(conn, now)),
            *await repo.failing_messages(now), *await repo.pending_payments(now, limits.payment_pending_limit)]


async def _still_stuck(repo: HealingRepository, case: Case, attempt: Attempt) -> bool | None:
    """Whether the problem an earlier retry addressed is still there; None: too early to tell."""
    if case.kind == "message":
        status = await repo.message_status(case.id)
        return None if status in ("queued", "sending") else status in ("dead", "failed")
    if case.kind == "order":
        row = await repo.order_state(case.id)
        return row is not None and ORDER_PROBLEMS.get(row["status"]) is case.problem and row["updated_at"] <= attempt.at
    return True


async def settle(conn: asyncpg.Connection, case: Case, attempts: list[Attempt], now: datetime,
                 cooldown: timedelta) -> list[tuple[int, Outcome]]:
    """Judge PENDING attempts at least `cooldown` old: RECOVERED when the problem went away, else FAILED."""
    repo, settled = HealingRepository(conn), []
    for attempt in attempts:
        if attempt.outcome is not Outcome.PENDING or not is_due(attempt.at, now, cooldown):
            continue
        stuck = await _still_stuck(repo, case, attempt)
        if stuck is None:
            continue
        outcome = Outcome.FAILED if stuck else Outcome.RECOVERED
        await repo.settle(attempt.id, outcome, "still stuck" if stuck else "cleared")
        settled.append((attempt.id, outcome))
    return settled


async def _apply(conn: asyncpg.Connection, case: Case, strategy: Strategy, notifier: Notifier, now: datetime,
                 config: Any) -> tuple[Outcome, str, bool]:
    """Carry out one strategy; (outcome, detail, admins already told)."""
    reason = PROBLEM_REASONS.get(case.problem, "")
    if strategy is Strategy.ESCALATE:
        await notifier.notify_admins("admin_heal_escalated", subject=case.label, problem=case.problem.value,
                                     detail=f"stuck since {case.since:%Y-%m-%d %H:%M} UTC")
        return Outcome.ESCALATED, "admins told", True
    if strategy is Strategy.REASSIGN:
        async with joined(conn, notifier) as uow:
            moved = await reassign_order(uow, case.id, now=now, config=config, actor="system", reason=reason)
        outcome, told = _REASSIGNED[moved.outcome]
        return outcome, f"reassign: {moved.outcome.value.lower()}", told
    if strategy is Strategy.CANCEL:
        async with joined(conn, notifier) as uow:
            cancelled = await cancel_order(uow, case.id, actor="system", reason=reason, now=now)
        status = cancelled.status.value if cancelled.status else "gone"
        return (Outcome.RECOVERED if cancelled.ok else Outcome.FAILED), f"cancel: {status}", False
    if case.problem is Problem.MESSAGE_FAILED:
        await conn.execute("UPDATE outbound_messages SET status = 'queued', tries = 0, next_attempt_at = $2"
                           " WHERE id = $1 AND status IN ('dead', 'failed')", case.id, now)
        return Outcome.PENDING, "message queued again", False
    if case.problem is Problem.QUEUE_STALLED:
        released = await release_order(conn, case.id, notifier, now, config, "system", reason)
        return (Outcome.RECOVERED if released else Outcome.FAILED), f"released as {released}", False
    vendor_id = (await HealingRepository(conn).order_state(case.id) or {}).get("vendor_id")
    if case.problem not in _NUDGES or vendor_id is None:
        return Outcome.FAILED, "nothing to retry", False
    await tell(notifier, (await person(conn, vendor_id)).phone, _NUDGES[case.problem], order_id=case.id)
    return Outcome.PENDING, "vendor reminded", False


async def heal_case(conn: asyncpg.Connection, case: Case, notifier: Notifier, now: datetime, config: Any, *,
                    force: bool = False, actor: str = "system") -> Result:
    """Settle earlier retries, then try the next rung if one is due (`force`: whatever the cooldown).
    Call inside a transaction."""
    repo = HealingRepository(conn)
    await repo.lock(case)
    attempts = await repo.attempts(case)
    await settle(conn, case, attempts, now, timedelta(0) if force else config.self_healing.cooldown)
    attempts = await repo.attempts(case)
    if any(a.outcome is Outcome.PENDING for a in attempts):
        return Result(case, None, None, "waiting to see whether the last retry worked")
    if not force and not is_due(attempts[-1].at if attempts else None, now, config.self_healing.cooldown):
        return Result(case, None, None, "tried recently")
    strategy = next_strategy(case.problem, len(attempts))
    if strategy is None:
        return Result(case, None, None, "every strategy was tried; admins know")
    outcome, detail, told = await _apply(conn, case, strategy, notifier, now, config)
    await repo.record(case, strategy, outcome, now, detail, actor)
    if outcome is Outcome.FAILED and not told:
        await notifier.notify_admins("admin_heal_failed", subject=case.label, problem=case.problem.value,
                                     strategy=strategy.value, detail=detail)
    return Result(case, strategy, outcome, detail)


async def heal_all(pool: asyncpg.Pool, now: datetime, config: Any, texts: Texts) -> HealingReport:
    """One pass over every stuck case, each in its own transaction."""
    report = HealingReport()
    cooldown = config.self_healing.cooldown
    async with pool.acquire() as conn:
        for case, attempt in await HealingRepository(conn).pending_attempts(now - cooldown):
            async with conn.transaction():
                await HealingRepository(conn).lock(case)
                report.settled += await settle(conn, case, [attempt], now, cooldown)
        cases = await find_cases(conn, now, config)
    for case in cases:
        async with pool.acquire() as conn, conn.transaction():
            notifier = Notifier(conn, texts, now, config.languages.default)
            report.results.append(await heal_case(conn, case, notifier, now, config))
    return report
