"""The catalogue's change feed: two processes' indexes follow additions, changes and removals
committed in PostgreSQL (NOTIFY product_changes + version column), without a rebuild."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal

import asyncpg
import pytest

from bot.nlu_service import NluService
from bot.runtime import Runtime
from nlu.catalog_csv import read_catalog_csv
from storage.repos.products import ProductRepository
from tests.conftest import ROOT

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _word(i: int) -> str:
    out = ""
    while True:
        i, r = divmod(i, 16)
        out += "bdfghjklmnprstvz"[r] + "aeiou"[r % 5]
        if not i:
            return out + "x"


def _sku_of(nlu: NluService, text: str) -> str | None:
    index = nlu.pipeline.index
    found = index.search(index.query_words(text), limit=1)
    return index.products[found[0].product].sku if found and found[0].score >= 90 else None


def _skus(nlu: NluService, text: str) -> list[str]:
    index = nlu.pipeline.index
    return [index.products[m.product].sku for m in index.search(index.query_words(text), limit=10)]


@pytest.fixture
async def two(runtime: Runtime) -> AsyncIterator[tuple[asyncpg.Pool, NluService, NluService]]:
    demo, _ = read_catalog_csv(ROOT / "data/catalog/demo.csv")
    async with runtime.pool.acquire() as conn, conn.transaction():
        await ProductRepository(conn).upsert_many(demo, NOW)
    url = runtime.config.secrets.database_url or ""
    pools = [await asyncpg.create_pool(url, min_size=1, max_size=2) for _ in range(2)]
    services = [await NluService.load(pool, runtime.config, check_every=3600) for pool in pools]
    for pool, nlu in zip(pools, services, strict=True):
        await nlu.follow(pool, url)
    yield runtime.pool, services[0], services[1]
    for pool, nlu in zip(pools, services, strict=True):
        await nlu.close()
        await pool.close()


async def _until(check, seconds: float = 10.0) -> float:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    while not check():
        assert time.monotonic() - start < seconds, "the change did not reach the index"
        await asyncio.sleep(0.02)
    return time.monotonic() - start


async def test_both_processes_follow_adds_changes_and_removals(two) -> None:  # type: ignore[no-untyped-def]
    pool, a, b = two
    base_a, base_b = a.pipeline.index, b.pipeline.index
    demo = {p.sku: p for p in base_a.live_products()}
    assert _sku_of(a, "wai wai chicken") and _sku_of(b, "wai wai chicken")
    added = [dataclasses.replace(next(iter(demo.values())), sku=f"NEW-{i}", name=f"Quortle {_word(i)} 500 g",
                                 aliases=(), brand="") for i in range(1000)]
    renamed_sku = _sku_of(a, "wai wai chicken")
    assert renamed_sku is not None
    renamed = dataclasses.replace(demo[renamed_sku], name="Zabrino Noodles", aliases=("zabru",))
    async with pool.acquire() as conn, conn.transaction():
        await ProductRepository(conn).upsert_many([*added, renamed], NOW)
    gone = next(p for p in demo.values() if p.sku != renamed_sku)
    assert gone.sku in _skus(a, gone.name)
    async with pool.acquire() as conn:
        await conn.execute("DELETE FROM vendor_products WHERE sku = $1", gone.sku)
        await conn.execute("DELETE FROM products WHERE sku = $1", gone.sku)
    for nlu in (a, b):
        await _until(lambda nlu=nlu: gone.sku not in _skus(nlu, gone.name) and _sku_of(nlu, "zabru") == renamed_sku
                     and _sku_of(nlu, f"quortle {_word(999)}") == "NEW-999")
        assert _sku_of(nlu, f"quortle {_word(123)}") == "NEW-123"
        assert len(nlu.pipeline.index) == len(demo) + 1000 - 1
        # applied, not rebuilt: the base keys are the very arrays the first index had
        assert nlu.pipeline.index._base is (base_a if nlu is a else base_b)._base


async def test_a_deactivated_product_leaves_and_a_missed_notification_is_caught_up(two, runtime) -> None:  # type: ignore[no-untyped-def]
    _, a, _ = two
    sku = _sku_of(a, "wai wai chicken")
    assert sku is not None
    async with runtime.pool.acquire() as conn:
        late = await NluService.load(runtime.pool, runtime.config, check_every=3600)  # never listens
        await conn.execute("UPDATE products SET active = false WHERE sku = $1", sku)
    await _until(lambda: _sku_of(a, "wai wai chicken") != sku)
    assert _sku_of(late, "wai wai chicken") == sku
    assert await late.refresh(runtime.pool, force=True)
    assert _sku_of(late, "wai wai chicken") != sku
    assert not await late.refresh(runtime.pool, force=True)  # nothing new: nothing applied


async def test_a_change_committed_after_a_later_one_is_not_skipped(two, runtime) -> None:  # type: ignore[no-untyped-def]
    """Versions are taken at write time: a transaction that took version n and commits after one
    that took n + 1 is still read (its transaction was running when the reader last read)."""
    _, a, _ = two
    products = a.pipeline.index.live_products()
    slow_conn = await asyncpg.connect(runtime.config.secrets.database_url)
    try:
        slow = slow_conn.transaction()
        await slow.start()
        await ProductRepository(slow_conn).upsert_many(
            [dataclasses.replace(products[0], sku="SLOW-1", name="Vrelmo Slowbake")], NOW)
        async with runtime.pool.acquire() as conn, conn.transaction():
            await ProductRepository(conn).upsert_many(
                [dataclasses.replace(products[0], sku="FAST-1", name="Krastel Fastbake")], NOW)
        await _until(lambda: _sku_of(a, "krastel fastbake") == "FAST-1")
        await slow.commit()
    finally:
        await slow_conn.close()
    await _until(lambda: _sku_of(a, "vrelmo slowbake") == "SLOW-1")


async def test_emptying_the_table_reloads_the_catalogue(two, runtime) -> None:  # type: ignore[no-untyped-def]
    _, a, _ = two
    assert _sku_of(a, "wai wai chicken")
    async with runtime.pool.acquire() as conn:
        await conn.execute("TRUNCATE products CASCADE")
    async with runtime.pool.acquire() as conn, conn.transaction():
        await ProductRepository(conn).upsert_many(
            [dataclasses.replace(a.pipeline.index.products[0], sku="ONLY-1", name="Solo Brunel", price=Decimal(5))],
            NOW)
    await _until(lambda: len(a.pipeline.index) == 1)
    assert _sku_of(a, "solo brunel") == "ONLY-1" and _sku_of(a, "wai wai chicken") is None
