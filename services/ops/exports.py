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
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, Protocol

from domain.formatting import platform_zone, stamp
from domain.order_views import OrderFilter, OrderRow
from services.ops.links import link_secret, sign
from services.ops.orders import iter_orders
from storage.repos.exports import ExportRecord
from storage.uow import UnitOfWork

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


def _cells(row: OrderRow, zone: tzinfo) -> list[Any]:
    return [neutralise(cell) for cell in (
        row.id, stamp(row.created_at, zone), row.status, row.retailer, row.retailer_phone, row.vendor or "",
        row.vendor_phone or "", row.items, row.total, stamp(row.confirmed_at, zone), stamp(row.delivered_at, zone),
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
class Exporter:
    """Writes export files and signs their links; `from_config` reads the secret and the public URL."""

    secret: str
    base_url: str
    zone: tzinfo = UTC             # local days of the range, local times in the file
    folder: Path = EXPORT_DIR
    ttl: timedelta = LINK_TTL

    @classmethod
    def from_config(cls, config: Any) -> Exporter:
        base = config.secrets.public_base_url or f"http://localhost:{config.web.port}"
        return cls(link_secret(config.secrets), base.rstrip("/"), platform_zone(config))

    def url(self, record: ExportRecord) -> str:
        return f"{self.base_url}/downloads/{sign(record.file_name, record.expires_at, self.secret)}"

    async def export_orders(self, uow: UnitOfWork, start: date, end: date, fmt: str, *,
                            requested_by: str, now: datetime, reads: UnitOfWork | None = None) -> ExportRecord:
        """Orders placed on local days start..end (inclusive) into a new file; its record (written
        through `uow`); the orders are read through `reads` (a read replica's) when given."""
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}")
        if not self.secret:
            raise ValueError("no signing secret: set KHAACHO_SECRET_KEY")
        await self.purge(uow, now)
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"orders-{start:%Y%m%d}-{end:%Y%m%d}-{secrets.token_hex(4)}.{fmt}"
        path = self.folder / name
        flt = OrderFilter(start=datetime.combine(start, datetime.min.time(), self.zone),
                          end=datetime.combine(end + timedelta(days=1), datetime.min.time(), self.zone))
        sink: _Sink = await asyncio.to_thread(_CsvSink if fmt == "csv" else _XlsxSink, path)
        count = 0
        try:
            async for batch in iter_orders(reads or uow, flt):
                cells = [_cells(row, self.zone) for row in batch]
                await asyncio.to_thread(sink.write, cells)
                count += len(cells)
        finally:
            await asyncio.to_thread(sink.close)
        return await uow.exports.add("orders", fmt, start, end, name, count, path.stat().st_size,
                                     requested_by=requested_by, now=now, expires_at=now + self.ttl)

    async def purge(self, uow: UnitOfWork, now: datetime) -> None:
        """Remove the files of exports that expired more than a day ago."""
        for file_name in await uow.exports.files_expired_before(now - timedelta(days=1)):
            (self.folder / file_name).unlink(missing_ok=True)


async def recent_exports(uow: UnitOfWork, limit: int = 50) -> list[ExportRecord]:
    return await uow.exports.recent(limit)
