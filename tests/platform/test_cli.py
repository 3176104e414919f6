"""The `khaacho` command as a user runs it: a real process on the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

ROOT = Path(__file__).resolve().parents[2]
SUBCOMMANDS = [["serve"], ["worker"], ["run"], ["db", "migrate"], ["seed"], ["catalog", "import"],
               ["catalog", "export"], ["retailer", "add"], ["vendor", "add"], ["admin", "add"], ["chat"], ["replay"],
               ["parse"], ["nlu", "train"], ["nlu", "eval"]]


def khaacho(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, input=stdin, text=True,
                          capture_output=True, timeout=120, env=os.environ.copy())


async def fetch(query: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        return await conn.fetch(query, *args)
    finally:
        await conn.close()


@pytest.mark.parametrize("words", SUBCOMMANDS, ids=" ".join)
def test_every_subcommand_has_help(words: list[str]) -> None:
    result = khaacho(*words, "--help")
    assert result.returncode == 0, result.stderr
    assert "usage: khaacho " + " ".join(words) in result.stdout


def test_catalog_import_reports_bad_rows_by_line_and_is_idempotent(tmp_path: Path) -> None:
    csv = tmp_path / "catalog.csv"
    csv.write_text(
        "sku,name,aliases,brand,category,unit,price\n"
        "T-SUGAR,Test Sugar,chini|चिनी,,sugar,kg,100\n"
        "T-BAD-UNIT,Odd,,,,furlong,5\n"
        "T-NOODLE,Test Noodles,wai wai|waiwai,CG,noodles,packet,20\n"
        "T-BAD-PRICE,Cheap,,,,kg,free\n", encoding="utf-8")
    first = khaacho("catalog", "import", str(csv), "--quiet")
    assert first.returncode == 1
    assert "line 3: unit 'furlong'" in first.stdout and "line 5: price 'free'" in first.stdout
    assert "imported 2 products" in first.stdout
    second = khaacho("catalog", "import", str(csv), "--quiet")
    assert "imported 2 products" in second.stdout

    import asyncio
    rows = asyncio.run(fetch("SELECT sku, price FROM products WHERE sku LIKE 'T-%' ORDER BY sku"))
    assert [(r["sku"], str(r["price"])) for r in rows] == [("T-NOODLE", "20.00"), ("T-SUGAR", "100.00")]
    aliases = asyncio.run(fetch("SELECT alias FROM product_aliases WHERE sku = 'T-SUGAR' ORDER BY alias"))
    assert [r["alias"] for r in aliases] == ["chini", "चिनी"]


def test_people_are_added_with_e164_phones_only() -> None:
    bad = khaacho("retailer", "add", "9800000001", "No Plus")
    assert bad.returncode == 2 and "E.164" in bad.stderr
    ok = khaacho("retailer", "add", "+9779800000555", "Gita Pasal", "--credit-limit", "25000")
    assert ok.returncode == 0, ok.stderr
    assert "credit limit 25000" in ok.stdout


def test_chat_reads_piped_stdin_through_the_pipeline() -> None:
    assert khaacho("retailer", "add", "+9779800000556", "Chat Pasal").returncode == 0
    result = khaacho("chat", "--as", "+9779800000556", stdin="namaste\nhelp\n")
    assert result.returncode == 0, result.stderr
    assert "bot> Namaste Chat Pasal" in result.stdout
    assert "Here is what I can do" in result.stdout


def test_parse_on_a_database_without_a_catalogue_says_what_to_do() -> None:
    """A fresh, unmigrated database: one line naming the commands to run, not a traceback."""
    import asyncio
    import uuid

    name = f"khaacho_test_empty_{uuid.uuid4().hex[:8]}"
    asyncio.run(fetch(f"CREATE DATABASE {name}"))
    try:
        url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))  # a socket URL too
        result = subprocess.run([sys.executable, "-m", "bot.cli", "parse", "--no-intent", "2 kg chini"], cwd=ROOT,
                                text=True, capture_output=True, timeout=120,
                                env={**os.environ, "DATABASE_URL": url})
    finally:
        asyncio.run(fetch(f"DROP DATABASE {name}"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "khaacho db migrate" in result.stderr
