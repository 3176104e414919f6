"""Monthly partitions of the message tables and the audit log: made ahead, archived to gzip CSV, dropped.

An archive is written to `<name>.csv.gz.partial` while the month is locked against writes, its rows
are counted back from the file and compared with the table, the file is fsynced and renamed, and
only then is the partition dropped, in the same transaction: a process killed at any point leaves
the rows in PostgreSQL (and at worst a finished archive that the next run writes again).
"""

from __future__ import annotations

import asyncio
import csv
import gzip
import io
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import asyncpg

from domain.retention import month_start

# Partitioned table -> its partition key (migration 0090).
PARTITIONED = {"inbound_messages": "received_at", "outbound_messages": "created_at", "audit_log": "at"}

# Rows that pointed at a partition's rows through a foreign key with ON DELETE CASCADE before the
# tables were partitioned, and the inbox's dedupe keys: they go with the month.
_DEPENDENTS = {
    "inbound_messages": (
        'DELETE FROM media_jobs m USING "{name}" p WHERE m.inbound_id = p.id',
        'DELETE FROM inbound_message_ids d USING "{name}" p'
        " WHERE d.provider = p.provider AND d.provider_id = p.provider_id",
    ),
    "outbound_messages": ('DELETE FROM healing_attempts h USING "{name}" p WHERE h.outbox_id = p.id',),
    "audit_log": (),
}
_MONTHLY = re.compile(r"_p(\d{4})(\d{2})$")


class ArchiveMismatch(Exception):
    """The archive file does not hold every row of its partition: nothing was dropped."""


@dataclass(frozen=True)
class Partition:
    parent: str
    name: str
    start: datetime  # first instant of its UTC month

    @property
    def end(self) -> datetime:
        return month_start(self.start, -1)


@dataclass(frozen=True)
class Archived:
    partition: Partition
    rows: int
    path: Path


async def ensure_months(conn: asyncpg.Connection, since: datetime, until: datetime) -> int:
    """Make the monthly partitions of every partitioned table from `since`'s month to `until`'s; how many were new."""
    made = 0
    for parent in PARTITIONED:
        made += await conn.fetchval("SELECT ensure_month_partitions($1, $2, $3)", parent, since, until)
    return made


async def monthly_partitions(conn: asyncpg.Connection, parent: str) -> list[Partition]:
    rows = await conn.fetch(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = $1::regclass", parent)
    found = []
    for row in rows:
        match = _MONTHLY.search(row["relname"])
        if match and row["relname"] == f"{parent}{match.group(0)}":
            found.append(Partition(parent, row["relname"],
                                   datetime(int(match.group(1)), int(match.group(2)), 1, tzinfo=UTC)))
    return sorted(found, key=lambda p: p.start)


async def expired(conn: asyncpg.Connection, cutoff: datetime) -> list[Partition]:
    """Monthly partitions of every partitioned table that end at or before `cutoff`, oldest first."""
    found = [p for parent in PARTITIONED for p in await monthly_partitions(conn, parent) if p.end <= cutoff]
    return sorted(found, key=lambda p: (p.start, p.parent))


def _count_rows(path: Path) -> int:
    with gzip.open(path, "rb") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
        return sum(1 for _ in csv.reader(text)) - 1  # the header


def _sync_close(handle: IO[bytes], raw: IO[bytes]) -> None:
    handle.close()
    raw.flush()
    os.fsync(raw.fileno())
    raw.close()


def _publish(partial: Path, final: Path) -> None:
    os.replace(partial, final)
    folder = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


async def archive_and_drop(conn: asyncpg.Connection, partition: Partition, folder: Path) -> Archived:
    """Write `partition` to `folder/<name>.csv.gz`, check the file's row count, then drop the partition."""
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{partition.name}.csv.gz"
    partial = folder / f"{partition.name}.csv.gz.partial"
    async with conn.transaction():
        await conn.execute("SET LOCAL lock_timeout = '10s'")
        await conn.execute(f'LOCK TABLE "{partition.name}" IN SHARE MODE')  # writes wait, reads go on
        rows = await conn.fetchval(f'SELECT count(*) FROM "{partition.name}"')
        raw = await asyncio.to_thread(open, partial, "wb")
        handle = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6)

        async def sink(chunk: bytes) -> None:
            await asyncio.to_thread(handle.write, chunk)

        try:
            await conn.copy_from_table(partition.name, output=sink, format="csv", header=True)
        finally:
            await asyncio.to_thread(_sync_close, handle, raw)
        written = await asyncio.to_thread(_count_rows, partial)
        if written != rows:
            raise ArchiveMismatch(f"{partial}: {written} rows written, {rows} in {partition.name}")
        await asyncio.to_thread(_publish, partial, final)
        for sql in _DEPENDENTS[partition.parent]:
            await conn.execute(sql.format(name=partition.name))
        await conn.execute(f'DROP TABLE "{partition.name}"')
    return Archived(partition, rows, final)
