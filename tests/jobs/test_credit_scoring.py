"""Credit scoring on a burst worker: scores as the scorecard (domain.credit_scorecard) gives them,
limits moved within bounds once per review period (audited), admins told when a retailer turns HIGH
risk, approval needed then."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from decimal import Decimal
from typing import Any

import asyncpg

from domain.credit_scorecard import ScorecardInputs, scorecard
from jobs.scoring import score_credit_risk
from services import UnitOfWork
from services.credit import needs_approval
from tests.jobs import seed
from tests.jobs.conftest import run_burst

D = timedelta(days=1)


async def _world(runtime):  # type: ignore[no-untyped-def]
    now = runtime.clock.now()
    async with runtime.pool.acquire() as conn:
        await seed.admin(conn)
        await seed.product(conn, "RICE", "100")
        good = await seed.retailer(conn, "+9779800000001", "Ram Kirana")
        risky = await seed.retailer(conn, "+9779800000002", "Hari Pasal")
        await conn.execute("UPDATE users SET created_at = $1 WHERE role = 'retailer'", now - 400 * D)
        for days_ago in (45, 20, 10, 5):  # delivered the next day, paid in full 3 days after delivery
            at = now - days_ago * D
            oid = await seed.order(conn, good, None, "DELIVERED", at, items=[("RICE", "10", "100")],
                                   delivered_at=at + D, debit=True)
            await seed.ledger(conn, good, "PAYMENT_CREDIT", Decimal(1000), at + 4 * D, oid)
        for days_ago in (55, 50, 40):  # delivered, never paid, together over the limit
            at = now - days_ago * D
            await seed.order(conn, risky, None, "DELIVERED", at, items=[("RICE", "170", "100")],
                             delivered_at=at + D, debit=True)
    return good, risky


async def test_scores_limits_risk_and_alerts(runtime) -> None:
    from bot.local import LocalSession

    good, risky = await _world(runtime)
    session = LocalSession(runtime)
    (first,) = await run_burst(runtime, [score_credit_risk], "score_credit_risk", session=session)
    assert first == {"scored": 2, "limits_changed": [good, risky], "high_risk": [risky]}

    want_good = scorecard(ScorecardInputs(on_time=4, late=0, utilisation=0.0, order_gaps_days=[25, 10, 5],
                                          orders=4, disputes=0))
    want_risky = scorecard(ScorecardInputs(on_time=0, late=3, utilisation=51000 / 50000, order_gaps_days=[5, 10],
                                           orders=3, disputes=0))
    async with runtime.pool.acquire() as conn:
        rows = {r["user_id"]: r for r in await conn.fetch("SELECT * FROM retailers")}
        audit = await conn.fetch("SELECT subject, before, after FROM audit_log WHERE action = 'credit limit auto'"
                                 " ORDER BY id")
    async with UnitOfWork(runtime.pool) as uow:
        assert await needs_approval(uow, risky) and not await needs_approval(uow, good)
    assert (float(rows[good]["credit_score"]), rows[good]["risk"]) == (want_good.score, "LOW")
    assert (float(rows[risky]["credit_score"]), rows[risky]["risk"]) == (want_risky.score, "HIGH")
    assert rows[good]["credit_limit"] == Decimal("60000.00") and rows[risky]["credit_limit"] == Decimal("40000.00")
    assert [(a["subject"], a["before"]["limit"], a["after"]["limit"]) for a in audit] == [
        ("+9779800000001", "50000.00", "60000.00"), ("+9779800000002", "50000.00", "40000.00")]
    sent = await session.flush()
    assert [(m.recipient, "HIGH credit risk" in m.body) for m in sent] == [("+9779800000000", True)]

    runtime.clock.advance(timedelta(hours=1))  # the next hourly run: nothing moves again, nobody re-alerted
    (again,) = await run_burst(runtime, [score_credit_risk], "score_credit_risk", session=session)
    assert again == {"scored": 2, "limits_changed": [], "high_risk": []}
    assert await session.flush() == []

    runtime.clock.advance(runtime.config.credit.limit_review)  # a review period later: the good one steps up;
    (later,) = await run_burst(runtime, [score_credit_risk], "score_credit_risk", session=session)
    assert later["limits_changed"] == [good, risky]  # nothing paid since: the risky one steps down again
    async with runtime.pool.acquire() as conn:
        limits = dict(await conn.fetch("SELECT user_id, credit_limit FROM retailers"))
    assert limits == {good: Decimal("70000.00"), risky: Decimal("30000.00")}



def _in_a_thread(work) -> Any:  # type: ignore[no-untyped-def]
    """Run a coroutine function on its own loop in another thread and wait (the caller's loop stops)."""
    box: list[Any] = []
    thread = threading.Thread(target=lambda: box.append(asyncio.run(work())))
    thread.start()
    thread.join()
    return box[0]


async def test_an_admins_limit_set_while_scoring_runs_is_kept_and_nothing_waits_on_the_run(runtime,
                                                                                          monkeypatch) -> None:
    """Between the scorer's read and its write of `good` an operator sets its limit (it must stay); while
    the next retailer is scored, a confirmation locks `good` (it must not wait for the whole run)."""
    import services.credit as scoring
    from services import UnitOfWork
    from services.ops.people import set_credit_limit
    from storage.db import create_pool

    good, risky = await _world(runtime)
    dsn = runtime.config.secrets.database_url
    seen: list[str] = []

    async def operator_sets_limit() -> None:
        pool = await create_pool(dsn, min_size=1, max_size=1)
        try:
            async with UnitOfWork(pool) as uow:
                await set_credit_limit(uow, good, Decimal(77000), runtime.clock.now())
        finally:
            await pool.close()

    async def confirmation_locks_good() -> str:
        conn = await asyncpg.connect(dsn)
        try:
            async with conn.transaction():
                await conn.execute("SET LOCAL lock_timeout = '300ms'")
                await conn.fetchval("SELECT credit_limit FROM retailers WHERE user_id = $1 FOR UPDATE", good)
            return "locked"
        except asyncpg.LockNotAvailableError:
            return "blocked"
        finally:
            await conn.close()

    real_score = scoring.scorecard

    def score(inputs: ScorecardInputs) -> Any:
        if not seen:
            _in_a_thread(operator_sets_limit)
            seen.append("limit set")
        else:
            seen.append(_in_a_thread(confirmation_locks_good))
        return real_score(inputs)

    monkeypatch.setattr(scoring, "scorecard", score)
    (run,) = await run_burst(runtime, [score_credit_risk], "score_credit_risk")
    async with runtime.pool.acquire() as conn:
        limits = dict(await conn.fetch("SELECT user_id, credit_limit FROM retailers"))
    assert seen == ["limit set", "locked"]
    assert limits[good] == Decimal("77000.00") and limits[risky] == Decimal("40000.00")
    assert run["limits_changed"] == [risky]
