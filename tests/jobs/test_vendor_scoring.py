"""Vendor scores stored by a scoring pass equal `domain.scoring.score_vendor` on metrics counted by hand."""

from __future__ import annotations

from datetime import timedelta

from domain.scoring import VendorMetrics, score_vendor
from jobs.scoring import score_vendors
from services import UnitOfWork
from services.scoring import rescore_vendors
from tests.jobs import seed
from tests.jobs.conftest import run_burst

H = timedelta(hours=1)
M = timedelta(minutes=1)


async def _world(runtime):  # type: ignore[no-untyped-def]
    """Three vendors with different histories; returns {vendor_id: VendorMetrics derived by hand}."""
    now = runtime.clock.now()
    t0 = now - timedelta(days=10)
    async with runtime.pool.acquire() as conn:
        await seed.product(conn, "RICE", "100")
        await seed.product(conn, "DAL", "200")
        shop = await seed.retailer(conn, "+9779800000001", "Ram Kirana")
        fast = await seed.vendor(conn, "+9779800000101", "Fast Traders", {"RICE": "90", "DAL": "180"})
        slow = await seed.vendor(conn, "+9779800000102", "Slow Suppliers", {"RICE": "110", "DAL": None})
        new = await seed.vendor(conn, "+9779800000103", "New Wholesale", {})
        # fast: 4 accepted in 60 s, 1 rejected in 120 s; 3 delivered (2 on time), 1 accepted then cancelled
        for i in range(4):
            at = t0 + i * H
            delivered = at + (timedelta(hours=10) if i < 2 else timedelta(hours=60)) if i < 3 else None
            status = "DELIVERED" if delivered else "CANCELLED"
            oid = await seed.order(conn, shop, fast, status, at, items=[("RICE", "1", "100")],
                                   accepted_at=at + M, delivered_at=delivered)
            await seed.offer(conn, oid, fast, "ACCEPTED", at, at + M)
        oid = await seed.order(conn, shop, None, "FAILED", t0)
        await seed.offer(conn, oid, fast, "REJECTED", t0, t0 + 2 * M)
        # slow: 1 accepted after 40 min then withdrawn, 2 expired, 1 rejected after 20 min
        oid = await seed.order(conn, shop, fast, "DELIVERED", t0, accepted_at=t0, delivered_at=t0 + H)
        await seed.offer(conn, oid, slow, "WITHDRAWN", t0, t0 + 40 * M)
        for _ in range(2):
            oid = await seed.order(conn, shop, None, "EXPIRED", t0)
            await seed.offer(conn, oid, slow, "EXPIRED", t0)
        oid = await seed.order(conn, shop, None, "REJECTED", t0)
        await seed.offer(conn, oid, slow, "REJECTED", t0, t0 + 20 * M)
        # an open offer counts for nobody yet
        oid = await seed.order(conn, shop, slow, "PENDING_VENDOR", now)
        await seed.offer(conn, oid, slow, "OFFERED", now)
    # market medians: RICE among 90, 110 -> 100; DAL among 180, 200 (catalogue) -> 190
    return {
        fast: VendorMetrics(offers=5, accepted=4, rejected=1, expired=0, avg_response_seconds=(4 * 60 + 120) / 5,
                            on_time_deliveries=2 + 1, deliveries=3 + 1, cancellations=1,
                            price_index=(90 / 100 + 180 / 190) / 2),
        slow: VendorMetrics(offers=4, accepted=1, rejected=1, expired=2, avg_response_seconds=(40 * 60 + 20 * 60) / 2,
                            on_time_deliveries=0, deliveries=0, cancellations=1,
                            price_index=(110 / 100 + 200 / 190) / 2),
        new: VendorMetrics(offers=0, accepted=0, rejected=0, expired=0, avg_response_seconds=None,
                           on_time_deliveries=0, deliveries=0, cancellations=0, price_index=None),
    }


async def _scores(runtime) -> dict[int, tuple[float, str, str]]:  # type: ignore[no-untyped-def]
    async with runtime.pool.acquire() as conn:
        rows = await conn.fetch("SELECT user_id, score, tier, grade, scored_at FROM vendors")
    assert all(r["scored_at"] == runtime.clock.now() for r in rows)
    return {r["user_id"]: (float(r["score"]), r["tier"], r["grade"]) for r in rows}


async def test_sql_scores_equal_the_domain_formula(runtime) -> None:
    expected = await _world(runtime)
    async with UnitOfWork(runtime.pool) as uow:
        assert await rescore_vendors(uow, runtime.clock.now(), on_time_within=timedelta(hours=48)) == 3
    got = await _scores(runtime)
    for vendor_id, metrics in expected.items():
        want = score_vendor(metrics)
        assert got[vendor_id] == (want.score, want.tier.value, want.grade.value), vendor_id
    fast, slow, new = expected
    assert got[fast][0] > got[new][0] > got[slow][0]
    assert got[new][0] == 60.0, "no history: every component neutral"


async def test_only_the_vendors_named_are_rescored(runtime) -> None:
    expected = await _world(runtime)
    fast, slow, _ = expected
    async with UnitOfWork(runtime.pool) as uow:
        assert await rescore_vendors(uow, runtime.clock.now(), [slow]) == 1
    async with runtime.pool.acquire() as conn:
        rows = {r["user_id"]: r for r in await conn.fetch("SELECT user_id, score, scored_at FROM vendors")}
    assert rows[slow]["score"] == score_vendor(expected[slow]).score
    assert rows[fast]["scored_at"] is None and float(rows[fast]["score"]) == 60.0
    async with UnitOfWork(runtime.pool) as uow:
        assert await rescore_vendors(uow, runtime.clock.now(), []) == 0


async def test_hourly_job_on_a_burst_worker_is_idempotent(runtime) -> None:
    expected = await _world(runtime)
    first = await run_burst(runtime, [score_vendors], "score_vendors")
    before = await _scores(runtime)
    second = await run_burst(runtime, [score_vendors], "score_vendors", "score_vendors")
    assert first == [3] and second == [3, 3]
    assert await _scores(runtime) == before
    assert before[next(iter(expected))][0] == score_vendor(next(iter(expected.values()))).score
