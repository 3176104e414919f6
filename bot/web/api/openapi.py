"""The OpenAPI 3 description of /api/v1, served at /api/v1/openapi.json (kept in step by a test)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

_ERROR = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}
_MONEY = {"type": "string", "description": "decimal amount, exact", "example": "1234.50"}
_SECONDS = {"type": "number", "nullable": True, "description": "seconds"}
_TREND = {"type": "object", "properties": {
    "current": {"type": "number"}, "previous": {"type": "number"}, "change": {"type": "number"},
    "ratio": {"type": "number", "nullable": True}, "direction": {"type": "string", "enum": ["UP", "DOWN", "FLAT"]}}}


def _obj(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


def _list(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


_STANDING = _obj(vendor_id={"type": "integer"}, name={"type": "string"}, phone={"type": "string"},
                 delivered={"type": "integer"}, failed={"type": "integer"}, backed_out={"type": "integer"},
                 offers={"type": "integer"}, answered={"type": "integer"}, expired={"type": "integer"},
                 response_avg_s=_SECONDS, response_p50_s=_SECONDS, reliability={"type": "number"},
                 grade={"type": "string", "enum": ["A+", "A", "B", "C", "D", "F"]})
_DASHBOARD = _obj(
    period=_obj(label={"type": "string"}, start={"type": "string", "format": "date-time"},
                end={"type": "string", "format": "date-time"}, zone={"type": "string", "example": "UTC+05:45"}),
    summary=_obj(orders={"type": "integer"}, gmv=_MONEY, delivered={"type": "integer"}, failed={"type": "integer"},
                 open={"type": "integer"}, success_rate={"type": "number", "nullable": True},
                 previous_orders={"type": "integer"}, previous_gmv=_MONEY, gmv_trend=_TREND),
    failures=_list(_obj(status={"type": "string"}, cause={"type": "string"}, orders={"type": "integer"},
                        value=_MONEY)),
    fulfilment=_obj(delivered={"type": "integer"}, average_s=_SECONDS, p50_s=_SECONDS, p90_s=_SECONDS),
    top_products=_list(_obj(sku={"type": "string"}, name={"type": "string"}, unit={"type": "string"},
                            quantity={"type": "string"}, sales=_MONEY, previous_sales=_MONEY, trend=_TREND)),
    reliable=_list(_STANDING), responsive=_list(_STANDING))
_ORDER = _obj(id={"type": "integer"}, status={"type": "string"}, total=_MONEY, items={"type": "integer"},
              retailer={"type": "string"}, retailer_phone={"type": "string"},
              vendor={"type": "string", "nullable": True}, vendor_phone={"type": "string", "nullable": True},
              parent_id={"type": "integer", "nullable": True}, failure_reason={"type": "string", "nullable": True},
              created_at={"type": "string", "format": "date-time"},
              updated_at={"type": "string", "format": "date-time"},
              confirmed_at={"type": "string", "format": "date-time", "nullable": True},
              delivered_at={"type": "string", "format": "date-time", "nullable": True})
_VENDOR = _obj(id={"type": "integer"}, phone={"type": "string"}, name={"type": "string"}, score=_MONEY,
               tier={"type": "string"}, grade={"type": "string"}, load={"type": "integer"},
               capacity={"type": "integer"}, penalties={"type": "integer"},
               scored_at={"type": "string", "format": "date-time", "nullable": True})
_STOP = _obj(seq={"type": "integer"}, retailer_id={"type": "integer"}, shop={"type": "string"},
             address={"type": "string"}, phone={"type": "string"}, lat={"type": "number"}, lon={"type": "number"},
             order_ids=_list({"type": "integer"}), eta={"type": "string", "format": "date-time"},
             km_from_prev=_MONEY, weight_kg=_MONEY,
             delivered_at={"type": "string", "format": "date-time", "nullable": True}, to_collect=_MONEY,
             items={"type": "string"}, maps={"type": "string"})
_RUN = _obj(id={"type": "integer"}, vendor_id={"type": "integer"}, vendor={"type": "string"},
            vehicle={"type": "string"}, day={"type": "string", "format": "date"},
            status={"type": "string", "enum": ["PLANNED", "DISPATCHED", "DONE", "REPLACED"]}, km=_MONEY,
            leaves_at={"type": "string", "format": "date-time"}, returns_at={"type": "string", "format": "date-time"},
            depot_lat={"type": "number"}, depot_lon={"type": "number"}, stops=_list(_STOP))
_EXPORT = _obj(id={"type": "integer"}, kind={"type": "string"}, format={"type": "string", "enum": ["csv", "xlsx"]},
               period_from={"type": "string", "format": "date"}, period_to={"type": "string", "format": "date"},
               file_name={"type": "string"}, rows={"type": "integer"}, bytes={"type": "integer"},
               requested_by={"type": "string"}, created_at={"type": "string", "format": "date-time"},
               expires_at={"type": "string", "format": "date-time"},
               url={"type": "string", "nullable": True, "description": "signed link; null once expired"},
               expired={"type": "boolean"})


def _query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


def _ok(schema: dict[str, Any], status: str = "200", description: str = "OK") -> dict[str, Any]:
    return {status: {"description": description, "content": {"application/json": {"schema": schema}}},
            "400": {"description": "a bad parameter", "content": {"application/json": {"schema": _ERROR}}},
            "401": {"description": "no API key, or an unknown or revoked one",
                    "content": {"application/json": {"schema": _ERROR}}}}


DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Khaacho operations API", "version": "1.0.0",
             "description": "Dashboard, orders, vendor scores and exports. Keys: `khaacho apikey create NAME`."},
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearer": []}],
    "paths": {
        "/api/v1/admin/dashboard": {"get": {
            "summary": "the six dashboard metrics of /stats in one call",
            "parameters": [_query("period", "today (from local midnight), or a span: 24h, 7d, 30d, 2w")],
            "responses": _ok(_DASHBOARD)}},
        "/api/v1/orders": {"get": {
            "summary": "orders, newest first, filtered and paged",
            "parameters": [
                _query("status", "one status or several separated by commas, e.g. DELIVERED,FAILED"),
                _query("retailer", "retailer phone or name"), _query("vendor", "vendor phone or name"),
                _query("from", "created on or after: a date (local) or a date-time"),
                _query("to", "created up to: a date (inclusive, local) or a date-time (exclusive)"),
                _query("limit", "page size, 1..200 (default 50)", {"type": "integer"}),
                _query("cursor", "next_cursor of the previous page", {"type": "string"})],
            "responses": _ok(_obj(orders=_list(_ORDER), next_cursor={"type": "string", "nullable": True}))}},
        "/api/v1/vendors/scores": {"get": {
            "summary": "vendors by score, with tier, grade, load and penalties",
            "parameters": [_query("limit", "1..1000 (default 100)", {"type": "integer"})],
            "responses": _ok(_obj(vendors=_list(_VENDOR)))}},
        "/api/v1/delivery/runs": {"get": {
            "summary": "delivery runs, newest first, with their stops in driving order",
            "parameters": [_query("vendor", "phone or name", {"type": "string"}),
                           _query("date", "the day of the runs", {"type": "string", "format": "date"}),
                           _query("limit", "1..200 (default 50)", {"type": "integer"})],
            "responses": _ok(_obj(runs=_list(_RUN)))}},
        "/api/v1/delivery/runs/{id}": {"get": {
            "summary": "one delivery run",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {**_ok(_RUN), "404": {"description": "no such run", "content": {
                "application/json": {"schema": _ERROR}}}}}},
        "/api/v1/products/{sku}/prices": {"get": {
            "summary": "vendor prices of a product: min/median/max, 7/30-day trend, suggested retail price, alerts",
            "parameters": [{"name": "sku", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {**_ok({"type": "object"}), "404": {"description": "no such product",
                                                             "content": {"application/json": {"schema": _ERROR}}}}}},
        "/api/v1/finance": {"get": {
            "summary": "GMV, platform margin, payments by method, outstanding by age (0-7, 8-30, 31-60, 60+ days)",
            "parameters": [_query("period", "today (from local midnight), or a span: 24h, 7d, 30d (default), 2w")],
            "responses": _ok({"type": "object"})}},
        "/api/v1/vendors/{id}/prices": {"put": {
            "summary": "set a vendor's own prices (all or nothing; an unchanged price writes no history)",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "array", "minItems": 1, "maxItems": 1000, "items": {
                    "type": "object", "required": ["sku", "price"], "additionalProperties": False, "properties": {
                        "sku": {"type": "string"}, "price": {"type": "number", "minimum": 0.01},
                        "valid_from": {"type": "string", "format": "date-time",
                                       "description": "not in the future; default: now"}}}}}}},
            "responses": {**_ok(_obj(vendor_id={"type": "integer"}, changed=_list({"type": "object"}),
                                     unchanged=_list({"type": "string"}))),
                          **{code: {"description": why, "content": {"application/json": {"schema": _ERROR}}}
                             for code, why in (("400", "the body is not a list of {sku, price, valid_from?}"),
                                               ("404", "no such vendor"),
                                               ("422", "unknown SKU, implausible price or valid_from"))}}}},
        "/api/v1/exports": {
            "get": {"summary": "recent exports, with their links while valid",
                    "parameters": [_query("limit", "1..500 (default 50)", {"type": "integer"})],
                    "responses": _ok(_obj(exports=_list(_EXPORT)))},
            "post": {"summary": "make an export of orders and return its signed, expiring link",
                     "requestBody": {"required": True, "content": {"application/json": {"schema": {
                         "type": "object", "required": ["from"], "properties": {
                             "kind": {"type": "string", "enum": ["orders"], "default": "orders"},
                             "from": {"type": "string", "format": "date"},
                             "to": {"type": "string", "format": "date", "description": "inclusive; default: from"},
                             "format": {"type": "string", "enum": ["csv", "xlsx"], "default": "csv"}}}}}},
                     "responses": _ok(_EXPORT, "201", "made")}},
        "/api/v1/openapi.json": {"get": {"summary": "this document", "security": [],
                                         "responses": {"200": {"description": "OpenAPI 3 document"}}}},
        "/downloads/{token}": {"get": {
            "summary": "an export file behind a signed link", "security": [],
            "parameters": [{"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "the file (text/csv or xlsx)"},
                          "403": {"description": "bad signature or expired link"},
                          "404": {"description": "malformed link or file gone"}}}},
    },
}


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(DOCUMENT)
