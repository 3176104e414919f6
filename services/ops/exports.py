"""Exports: orders of a date range written to CSV or XLSX under var/exports/, handed out by signed link.

Rows are read from the database in batches; the file is written in a worker thread, batch by batch,
so a big export never holds the event loop. Each export is a row of `exports`; files of exports
that expired more than a day ago are removed when the next export is made.
"""

from __future__ import annotations

import asyncio
import csv
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol

import asyncpg

from services.ops.links import link_secret, sign
from services.ops.orders import OrderFilter, OrderRow, iter_orders

ROOT = Path(__file__).resolve().parent.parent.parent
EXPORT_DIR = ROOT / "var" / "exports"
FORMATS = ("csv", "xlsx")
KINDS = ("orders",)
MAX_DAYS = 366
LINK_TTL = timedelta(hours=24)
COLUMNS = ("order_id", "created_at", "status", "retailer", "retailer_phone", "vendor", "vendor_phone",
           "items", "total", "confirmed_at", "delivered_at", "failure_reason", "parent_id")


def parse_date_range(text: str) -> tuple[date, date]:
    """'2026-11-01..2026-11-30' → both days, inclusive; one day alone means just that day."""
    first, sep, last = text.partition("..")
    try:
        start = date.fromisoformat(first)
        end = date.fromisoformat(last) if sep else start
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a date range like 2026-11-01..2026-11-30") from exc
    if end < start:
        raise ValueError("the range ends before it starts")
    if (end - start).days >= MAX_DAYS:
        raise ValueError(f"a range may cover at most {MAX_DAYS} days")
    return start, end


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading ' (OWASP, CSV injection);
    names and reasons come from chats, so anyone can write one."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def _cells(row: OrderRow, zone: timezone) -> list[Any]:
    def local(at: datetime | None) -> str:
        return at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if at else ""
    return [neutralise(cell) for cell in (
        row.id, local(row.created_at), row.status, row.retailer, row.retailer_phone, row.vendor or "",
        row.vendor_phone or "", row.items, row.total, local(row.confirmed_at), local(row.delivered_at),
        row.failure_reason or "", row.parent_id or "")]


class _Sink(Protocol):
    def write(self, rows: Sequence[list[Any]]) -> None: ...
    def close(self) -> None: ...


class _CsvSink:
    def __init__(self, path: Path) -> None:
        self._file = path.open("w", newline="", encoding="utf-8")
        self._csv = csv.writer(self._file)
        self._csv.writerow(COLUMNS)

    def write(self, rows: Sequence[list[Any]]) -> None:
        self._csv.writerows(rows)

    def close(self) -> None:
        self._file.close()


class _XlsxSink:
    def __init__(self, path: Path) -> None:
        from openpyxl import Workbook

        self._path = path
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet("orders")
        self._sheet.append(list(COLUMNS))

    def write(self, rows: Sequence[list[Any]]) -> None:
        for row in rows:
            self._sheet.append(row)

    def close(self) -> None:
        self._book.save(self._path)


@dataclass(frozen=True)
class ExportRecord:
    id: int
    kind: str
    format: str
    period_from: date
    period_to: date
    file_name: str
    rows: int
    bytes: int
    requested_by: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Exporter:
    """Writes export files and signs their links; `from_config` reads the secret and the public URL."""

    secret: str
    base_url: str
    tz_offset_minutes: int = 0
    folder: Path = EXPORT_DIR
    ttl: timedelta = LINK_TTL

    @classmethod
    def from_config(cls, config: Any) -> Exporter:
        base = config.secrets.public_base_url or f"http://localhost:{config.web.port}"
        return cls(link_secret(config.secrets), base.rstrip("/"), config.reminders.timezone_offset_minutes)

    @property
    def zone(self) -> timezone:
        return timezone(timedelta(minutes=self.tz_offset_minutes))

    def url(self, record: ExportRecord) -> str:
        return f"{self.base_url}/downloads/{sign(record.file_name, record.expires_at, self.secret)}"

    async def export_orders(self, conn: asyncpg.Connection, start: date, end: date, fmt: str, *,
                            requested_by: str, now: datetime) -> ExportRecord:
        """Orders placed on local days start..end (inclusive) into a new file; its record."""
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}")
        if not self.secret:
            raise ValueError("no signing secret: set KHAACHO_SECRET_KEY")
        await self.purge(conn, now)
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"orders-{start:%Y%m%d}-{end:%Y%m%d}-{secrets.token_hex(4)}.{fmt}"
        path = self.folder / name
        begin = datetime.combine(start, datetime.min.time(), self.zone)
        flt = OrderFilter(start=begin, end=begin + timedelta(days=(end - start).days + 1))
        sink: _Sink = await asyncio.to_thread(_CsvSink if fmt == "csv" else _XlsxSink, path)
        count = 0
        try:
            async for batch in iter_orders(conn, flt):
                cells = [_cells(row, self.zone) for row in batch]
                await asyncio.to_thread(sink.write, cells)
                count += len(cells)
        finally:
            await asyncio.to_thread(sink.close)
        row = await conn.fetchrow(
            "INSERT INTO exports (kind, format, period_from, period_to, file_name, rows, bytes, requested_by,"
            " created_at, expires_at) VALUES ('orders', $1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *",
            fmt, start, end, name, count, path.stat().st_size, requested_by, now, now + self.ttl)
        return ExportRecord(**row)

    async def purge(self, conn: asyncpg.Connection, now: datetime) -> None:
        """Remove the files of exports that expired more than a day ago."""
        for row in await conn.fetch("SELECT file_name FROM exports WHERE expires_at < $1", now - timedelta(days=1)):
            (self.folder / row["file_name"]).unlink(missing_ok=True)


async def recent_exports(conn: asyncpg.Connection, limit: int = 50) -> list[ExportRecord]:
    rows = await conn.fetch("SELECT * FROM exports ORDER BY id DESC LIMIT $1", limit)
    return [ExportRecord(**r) for r in rows]
