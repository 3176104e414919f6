"""POST /api/v1/exports makes an export and returns its signed link; GET lists recent exports."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.appkeys import CONFIG, RUNTIME
from bot.web.api.auth import authenticated, caller, error
from bot.web.api.context import read_unit_of_work, unit_of_work
from bot.web.api.jsonable import jsonable
from bot.web.api.params import BadParam, bad_request, integer, parse_json
from services.ops.audit import audit
from services.ops.exports import FORMATS, KINDS, Exporter, parse_date_range, recent_exports
from storage.repos.exports import ExportRecord


def _shown(record: ExportRecord, exporter: Exporter, now: Any) -> dict[str, Any]:
    live = record.expires_at > now
    return {**jsonable(record), "url": exporter.url(record) if live else None, "expired": not live}


@authenticated
async def create(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    try:
        body = parse_json(await request.read())
    except BadParam as exc:
        return bad_request(exc)
    if not isinstance(body, dict):
        return error(400, "the body must be a JSON object")
    kind, fmt = body.get("kind", "orders"), body.get("format", "csv")
    if kind not in KINDS:
        return error(400, f"kind: one of {', '.join(KINDS)}")
    if fmt not in FORMATS:
        return error(400, f"format: one of {', '.join(FORMATS)}")
    if not isinstance(body.get("from"), str) or not isinstance(body.get("to", body.get("from")), str):
        return error(400, "from and to: dates like 2026-11-01")
    try:
        start, end = parse_date_range(f"{body['from']}..{body.get('to', body['from'])}")
    except ValueError as exc:
        return bad_request(exc)
    exporter, now = Exporter.from_config(request.app[CONFIG]), runtime.clock.now()
    async with unit_of_work(request) as uow, read_unit_of_work(request) as reads:
        record = await exporter.export_orders(uow, start, end, fmt, requested_by=caller(request), now=now,
                                              reads=reads)
        await audit(uow, caller(request), "api export", now, subject=f"export #{record.id}",
                    after={"file": record.file_name, "rows": record.rows})
    return web.json_response(_shown(record, exporter, now), status=201)


@authenticated
async def listing(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    try:
        limit = integer(request, "limit", 50, 1, 500)
    except ValueError as exc:
        return bad_request(exc)
    exporter, now = Exporter.from_config(request.app[CONFIG]), runtime.clock.now()
    async with unit_of_work(request) as uow:
        records = await recent_exports(uow, limit)
    return web.json_response({"exports": [_shown(r, exporter, now) for r in records]})
