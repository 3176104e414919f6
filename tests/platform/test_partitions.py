"""Monthly partitions on real PostgreSQL: the migration keeps rows and dedupe, the job makes months
ahead and archives old months to gzip CSV before dropping them, and a killed archive loses nothing."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import gzip
import io
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from bot.config import RetentionConfig
from jobs.partitions import maintain_partitions
from storage.clock import FakeClock
from storage.db import MIGRATIONS, connect, migrate
from storage.partitions import Partition, archive_and_drop, monthly_partitions
from storage.repos.inbox import InboxRepository

ROOT = Path(__file__).resolve().parents[2]
JAN, FEB, MAR = (datetime(2026, m, 10, 12, tzinfo=UTC) for m in (1, 2, 3))


async def _add(conn: asyncpg.Connection, provider_id: str, at: datetime) -> int | None:
    return await InboxRepository(conn).add(provider="twilio", provider_id=provider_id, phone="+9779800000001",
                                           body="namaste", media=[], profile_name=None, payload={}, received_at=at)


async def _where(conn: asyncpg.Connection, table: str) -> dict[str, int]:
    rows = await conn.fetch(f"SELECT tableoid::regclass::text AS part, count(*) AS n FROM {table} GROUP BY 1")
    return {r["part"]: r["n"] for r in rows}


@pytest.fixture
async def scratch_url() -> str:  # type: ignore[misc]
    """A database of this test's own, migrated up to (not including) the partitioning."""
    admin = os.environ["KHAACHO_TEST_ADMIN_URL"]
    name = f"khaacho_test_{os.getpid()}_part"
    conn = await asyncpg.connect(admin)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    url = urlunsplit(urlsplit(admin)._replace(path="/" + name))
    yield url
    conn = await asyncpg.connect(admin)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


async def test_the_migration_moves_existing_rows_into_their_months_and_keeps_dedupe(scratch_url: str) -> None:
    conn = await connect(scratch_url)
    try:
        await conn.execute("CREATE TABLE schema_migrations (name text PRIMARY KEY,"
                           " applied_at timestamptz NOT NULL DEFAULT now())")
        for path in sorted(MIGRATIONS.glob("*.sql")):
            if path.name < "0090":
                await conn.execute(path.read_text(encoding="utf-8"))
                await conn.execute("INSERT INTO schema_migrations (name) VALUES ($1)", path.name)
        for i, at in enumerate((JAN, FEB, FEB, MAR)):
            inbound = await conn.fetchval(
                "INSERT INTO inbound_messages (provider, provider_id, phone, body, received_at)"
                " VALUES ('twilio', $1, '+9779800000001', 'line one\nline \"two\"', $2) RETURNING id", f"SM{i}", at)
            await conn.execute("INSERT INTO outbound_messages (recipient, body, inbound_id, next_attempt_at,"
                               " created_at) VALUES ('+9779800000001', 'hi', $1, $2, $2)", inbound, at)
            await conn.execute("INSERT INTO audit_log (actor, action, at) VALUES ('ops', 'test', $1)", at)
        before = await conn.fetchval("SELECT max(id) FROM inbound_messages")

        assert "0090_monthly_partitions.sql" in await migrate(conn)

        assert await _where(conn, "inbound_messages") == {
            "inbound_messages_p202601": 1, "inbound_messages_p202602": 2, "inbound_messages_p202603": 1}
        assert await _where(conn, "outbound_messages") == {
            "outbound_messages_p202601": 1, "outbound_messages_p202602": 2, "outbound_messages_p202603": 1}
        assert sum((await _where(conn, "audit_log")).values()) == 4
        assert await conn.fetchval("SELECT body FROM inbound_messages WHERE provider_id = 'SM3'") == \
            'line one\nline "two"'
        now = datetime.now(UTC)
        months = {p.start for p in await monthly_partitions(conn, "inbound_messages")}
        assert datetime(now.year, now.month, 1, tzinfo=UTC) in months and len(months) >= 3 + 4
        # a redelivery of a message stored before the migration, months later, is still a duplicate
        assert await _add(conn, "SM0", MAR + timedelta(days=60)) is None
        fresh = await _add(conn, "SM-new", now)
        assert fresh is not None and fresh > before, "ids go on from the old sequence"
    finally:
        await conn.close()


async def test_a_redelivery_in_another_month_is_stored_once(runtime) -> None:  # type: ignore[no-untyped-def]
    async with runtime.pool.acquire() as conn:
        first = await _add(conn, "SMdup", JAN)
        assert first is not None
        assert await _add(conn, "SMdup", FEB) is None
        assert await _add(conn, "SMdup", JAN) is None

    async def race(at: datetime) -> int | None:
        async with runtime.pool.acquire() as conn, conn.transaction():
            stored = await _add(conn, "SMrace", at)
            await asyncio.sleep(0.05)
            return stored

    stored = await asyncio.gather(race(JAN), race(MAR), race(FEB))
    assert sum(1 for s in stored if s is not None) == 1
    async with runtime.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM inbound_messages WHERE provider_id = 'SMrace'") == 1


def _archived_rows(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rb") as raw:
        return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline="")))


async def test_the_job_makes_months_ahead_and_archives_months_past_retention(runtime, tmp_path) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2026, 4, 15, 9, tzinfo=UTC)
    async with runtime.pool.acquire() as conn:
        await conn.execute("SELECT ensure_month_partitions(t, $1, $2) FROM unnest($3::text[]) t", JAN, MAR,
                           ["inbound_messages", "outbound_messages", "audit_log"])
        for i, at in enumerate((JAN, JAN, FEB, MAR)):
            await _add(conn, f"SMold{i}", at)
            await conn.execute("INSERT INTO outbound_messages (recipient, body, next_attempt_at, created_at)"
                               " VALUES ('+9779800000001', 'hi', $1, $1)", at)
            await conn.execute("INSERT INTO audit_log (actor, action, at) VALUES ('ops', 'test', $1)", at)
        jan_outbox = await conn.fetchval("SELECT min(id) FROM outbound_messages")
        await conn.execute("INSERT INTO healing_attempts (outbox_id, problem, strategy, outcome, at)"
                           " VALUES ($1, 'stuck', 'RETRY', 'PENDING', $2)", jan_outbox, JAN)
    config = dataclasses.replace(runtime.config, retention=RetentionConfig(
        months=1, months_ahead=2, archive_dir=str(tmp_path)))
    ctx = {"config": config, "clock": FakeClock(now), "pool": runtime.pool}

    done = await maintain_partitions(ctx)

    # April is current, March is the one whole month kept; January and February go
    assert sorted(done["archived"]) == sorted(f"{t}_p2026{m}" for t in ("inbound_messages", "outbound_messages",
                                                                       "audit_log") for m in ("01", "02"))
    jan = _archived_rows(tmp_path / "inbound_messages_p202601.csv.gz")
    assert sorted(r["provider_id"] for r in jan) == ["SMold0", "SMold1"] and jan[0]["body"] == "namaste"
    assert len(_archived_rows(tmp_path / "audit_log_p202602.csv.gz")) == 1
    assert not list(tmp_path.glob("*.partial"))
    async with runtime.pool.acquire() as conn:
        assert await conn.fetchval("SELECT array_agg(provider_id ORDER BY provider_id) FROM inbound_messages") == \
            ["SMold3"]
        assert await conn.fetchval("SELECT count(*) FROM outbound_messages") == 1
        assert await conn.fetchval("SELECT count(*) FROM healing_attempts") == 0
        assert await conn.fetchval("SELECT array_agg(provider_id) FROM inbound_message_ids") == ["SMold3"]
        for parent in ("inbound_messages", "outbound_messages", "audit_log"):
            months = [p.start.month for p in await monthly_partitions(conn, parent) if p.start.year == 2026]
            assert {3, 4, 5, 6} <= set(months) and not {1, 2} & set(months)
        # a message of a made month goes to its partition, not the default one
        await _add(conn, "SMjune", datetime(2026, 6, 30, 23, 59, tzinfo=UTC))
        assert (await _where(conn, "inbound_messages"))["inbound_messages_p202606"] == 1
    assert (await maintain_partitions(ctx)) == {"made": 0, "archived": []}, "a second run changes nothing"


async def test_a_month_made_late_takes_its_rows_from_the_default_partition(runtime) -> None:  # type: ignore[no-untyped-def]
    far = datetime(2031, 7, 4, tzinfo=UTC)
    async with runtime.pool.acquire() as conn:
        await _add(conn, "SMfar", far)
        assert (await _where(conn, "inbound_messages")) == {"inbound_messages_default": 1}
        assert await conn.fetchval("SELECT ensure_month_partition('inbound_messages', $1)", far)
        assert (await _where(conn, "inbound_messages")) == {"inbound_messages_p203107": 1}
        assert await _add(conn, "SMfar", far) is None


KILLED_ARCHIVE = """
import asyncio, sys
from datetime import datetime, UTC
from pathlib import Path
from storage.db import connect
from storage.partitions import Partition, archive_and_drop
async def main():
    conn = await connect(sys.argv[1])
    await archive_and_drop(conn, Partition("audit_log", "audit_log_p202001", datetime(2020, 1, 1, tzinfo=UTC)),
                           Path(sys.argv[2]))
asyncio.run(main())
"""


async def test_an_archive_killed_midway_loses_no_rows(runtime, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = 150_000
    async with runtime.pool.acquire() as conn:
        await conn.execute("SELECT ensure_month_partition('audit_log', '2020-01-15')")
        await conn.execute("INSERT INTO audit_log (actor, action, subject, at) SELECT 'ops', 'bulk',"
                           " repeat(md5(i::text), 8), '2020-01-01'::timestamptz + i * interval '10 seconds'"
                           " FROM generate_series(1, $1::int) i", rows)
    partial = tmp_path / "audit_log_p202001.csv.gz.partial"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_ARCHIVE, runtime.config.secrets.database_url,
                             str(tmp_path)], cwd=ROOT)
    deadline = time.monotonic() + 60
    while not (partial.exists() and partial.stat().st_size > 0) and time.monotonic() < deadline:
        assert proc.poll() is None, "the archive finished before it could be killed"
        await asyncio.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    async with runtime.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM audit_log_p202001") == rows
        assert not (tmp_path / "audit_log_p202001.csv.gz").exists()
        done = await archive_and_drop(conn, Partition("audit_log", "audit_log_p202001",
                                                      datetime(2020, 1, 1, tzinfo=UTC)), tmp_path)
        assert done.rows == rows
        assert await conn.fetchval("SELECT to_regclass('audit_log_p202001')") is None
    assert len(_archived_rows(done.path)) == rows and not partial.exists()
