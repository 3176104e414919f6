"""Vendors' own prices: `khaacho prices import`, the history of changes, and the market view of a SKU."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from pathlib import Path

from bot.commands.prices import import_prices
from services.prices import market_view, set_vendor_prices
from tests.services.conftest import World


async def test_import_keeps_history_and_reports_bad_rows(world: World, tmp_path: Path) -> None:
    csv = tmp_path / "prices.csv"
    csv.write_text("sku,price,valid_from\nSUGAR-LOOSE,102,\nCOKE-500-BTL,50,2026-01-01\n"
                   "NOPE,1,\nSUGAR-LOOSE,cheap,\nWAIWAI-CHK-PKT,18,3000-01-01\nWAIWAI-CHK-PKT,0,\n", encoding="utf-8")
    changed, unchanged, errors = await import_prices("+9779800000101", csv, world.config)
    assert (changed, unchanged) == (2, 0)
    assert [line for line, _ in errors] == [4, 5, 6, 7]
    csv.write_text("sku,price\nSUGAR-LOOSE,104\nCOKE-500-BTL,50\n", encoding="utf-8")
    assert (await import_prices("+9779800000101", csv, world.config))[:2] == (1, 1)
    async with world.uow() as uow:
        history = await uow.prices.changes("SUGAR-LOOSE")
        coke = await uow.prices.changes("COKE-500-BTL")
    assert [(h.old_price, h.new_price, h.changed_by) for h in history] == \
        [(None, D(102), "cli"), (D(102), D(104), "cli")]
    assert [c.valid_from for c in coke] == [datetime(2025, 12, 31, 18, 15, tzinfo=UTC)]  # midnight in Kathmandu


async def test_market_view_spread_trend_outliers_and_suggestion(world: World) -> None:
    now, cfg = world.clock.now(), world.config
    async with world.uow() as uow:
        await set_vendor_prices(uow, world.sita, [("SUGAR-LOOSE", D(100), now - timedelta(days=40))], "cli", now, cfg)
        await set_vendor_prices(uow, world.gita, [("SUGAR-LOOSE", D(100), now - timedelta(days=40))], "cli", now, cfg)
        await set_vendor_prices(uow, world.gita, [("SUGAR-LOOSE", D(120), now - timedelta(days=2))], "chat", now, cfg)
    async with world.uow() as uow:
        view = await market_view(uow, "SUGAR-LOOSE", now, world.config)
    assert view.spread is not None
    assert (view.spread.low, view.spread.median, view.spread.high) == (D(100), D(110), D(120))
    assert view.trend_7d == D("0.1") and view.trend_30d == D("0.1")
    assert view.outliers == {}              # 120 is 9 % off a median of 110, under the 15 % alert share
    # cost 100 (best buy), usual margin 8 %, market 110 × 1.08 = 118.80 ± 5 %: 108 is under 112.86
    assert view.suggested == D("112.86")
