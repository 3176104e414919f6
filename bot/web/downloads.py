"""GET /downloads/{token}: an export file behind a signed, expiring link (see services.ops.links)."""

from __future__ import annotations

from aiohttp import web

from bot.appkeys import CONFIG, RUNTIME
from services.ops.exports import Exporter
from services.ops.links import LinkError, link_secret, verify

CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


async def download(request: web.Request) -> web.StreamResponse:
    config = request.app[CONFIG]
    try:
        name = verify(request.match_info["token"], link_secret(config.secrets), request.app[RUNTIME].clock.now())
    except LinkError as exc:
        return web.json_response({"error": exc.reason}, status=exc.status)
    path = Exporter.from_config(config).folder / name
    if not path.is_file():
        return web.json_response({"error": "no such download"}, status=404)
    return web.FileResponse(path, headers={
        "Content-Type": CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "private, no-store",
    })
