"""GET /api/v1/delivery/runs and /api/v1/delivery/runs/{id}: the stored delivery runs with their stops."""

from __future__ import annotations

from datetime import date

from aiohttp import web

from bot.web.api.auth import authenticated
from bot.web.api.context import unit_of_work
from bot.web.api.jsonable import jsonable
from bot.web.api.params import BadParam, bad_request, integer, text
from domain.delivery_runs import maps_link
from services import delivery
from services.ops.people import find_person


def _run_json(run: object) -> dict[str, object]:
    out = jsonable(run)
    for stop in out["stops"]:
        stop["maps"] = maps_link(stop["lat"], stop["lon"])
    return out


@authenticated
async def runs(request: web.Request) -> web.Response:
    """Newest first; `vendor` (phone or name) and `date` (YYYY-MM-DD) narrow it."""
    try:
        limit = integer(request, "limit", 50, 1, 200)
        day = None
        if "date" in request.query:
            try:
                day = date.fromisoformat(text(request, "date", 10) or "")
            except ValueError:
                raise BadParam("date: a day like 2026-11-02") from None
        async with unit_of_work(request) as uow:
            vendor_id = None
            if name := text(request, "vendor"):
                user = await find_person(uow, name, "vendor")
                if user is None:
                    raise BadParam(f"vendor: no vendor called or numbered {name!r}")
                vendor_id = user.id
            found = await delivery.runs(uow, vendor_id=vendor_id, day=day, limit=limit)
    except BadParam as exc:
        return bad_request(exc)
    return web.json_response({"runs": [_run_json(r) for r in found]})


@authenticated
async def run(request: web.Request) -> web.Response:
    raw = request.match_info["id"]
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) < 2**62:
        return web.json_response({"error": "no such run"}, status=404)
    async with unit_of_work(request) as uow:
        found = await delivery.run(uow, int(raw))
    if found is None:
        return web.json_response({"error": "no such run"}, status=404)
    return web.json_response(_run_json(found))
