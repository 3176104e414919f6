"""`khaacho catalog export --format meta`: the Commerce Manager feed, as a user runs the command."""

from __future__ import annotations

import asyncio
import csv
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from domain.catalog import Product
from domain.catalog_feed import FEED_HEADER, feed_price, feed_row
from tests.platform.test_cli import ROOT, fetch, khaacho


def _export(tmp_path: Path, currency: str | None = None) -> dict[str, dict[str, str]]:
    out = tmp_path / "feed.csv"
    env = os.environ.copy()
    if currency:
        config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
        config["channels"]["meta"]["currency"] = currency
        (tmp_path / "config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
        env["KHAACHO_CONFIG"] = str(tmp_path / "config.yml")
    result = subprocess.run([sys.executable, "-m", "bot.cli", "catalog", "export", "--format", "meta", str(out)],
                            cwd=ROOT, text=True, capture_output=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == FEED_HEADER
        return {row["id"]: row for row in reader}


def test_the_feed_has_meta_columns_our_prices_and_stock(tmp_path: Path) -> None:
    source = tmp_path / "catalog.csv"
    source.write_text("sku,name,aliases,brand,category,unit,price\n"
                      "T-FEED-OIL,Feed Mustard Oil 1 l,tori tel,Dhara,oil,bottle,245.5\n"
                      "T-FEED-SALT,Feed Salt 1 kg,nun,,salt,packet,30\n", encoding="utf-8")
    assert khaacho("catalog", "import", str(source), "--quiet").returncode == 0
    assert khaacho("vendor", "add", "+9779800000778", "Feed Traders", "--products", "T-FEED-OIL,T-FEED-SALT"
                   ).returncode == 0
    asyncio.run(fetch("UPDATE vendor_products SET stock = 0 WHERE sku = 'T-FEED-SALT'"))
    asyncio.run(fetch("UPDATE vendor_products SET stock = 7 WHERE sku = 'T-FEED-OIL'"))
    rows = _export(tmp_path)
    assert rows["T-FEED-OIL"] == {
        "id": "T-FEED-OIL", "title": "Feed Mustard Oil 1 l",
        "description": "Feed Mustard Oil 1 l, sold per bottle (oil)",
        "availability": "in stock", "condition": "new", "price": "245.50 NPR", "brand": "Dhara",
        "link": "https://khaacho.example/p/T-FEED-OIL", "image_link": "https://khaacho.example/img/T-FEED-OIL.jpg"}
    assert rows["T-FEED-SALT"]["availability"] == "out of stock" and rows["T-FEED-SALT"]["price"] == "30.00 NPR"
    assert rows["T-FEED-SALT"]["brand"]  # Meta requires a brand; an unbranded product gets ours
    assert _export(tmp_path, "INR")["T-FEED-OIL"]["price"] == "245.50 INR"


def test_prices_and_currencies() -> None:
    assert feed_price(Decimal("1234.5"), "NPR") == "1234.50 NPR"
    with pytest.raises(ValueError):
        feed_price(Decimal(1), "USD")
    row = feed_row(Product("S", "Sugar", "kg", Decimal(100)), in_stock=False, currency="INR",
                   link="https://x/{sku}", image_link="https://x/{sku}.png")
    assert (row["price"], row["availability"], row["link"]) == ("100.00 INR", "out of stock", "https://x/S")
