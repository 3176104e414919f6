"""The JSON API under /api/v1 (bearer keys, see auth.py) and the signed download route."""

from __future__ import annotations

from aiohttp import web

from bot.web import downloads
from bot.web.api import delivery, exports, market, openapi, reads, vendor_prices

ROUTES = (
    ("GET", "/api/v1/admin/dashboard", reads.dashboard),
    ("GET", "/api/v1/orders", reads.orders),
    ("GET", "/api/v1/vendors/scores", reads.vendor_scores),
    ("GET", "/api/v1/delivery/runs", delivery.runs),
    ("GET", "/api/v1/delivery/runs/{id}", delivery.run),
    ("GET", "/api/v1/products/{sku}/prices", market.product_prices),
    ("GET", "/api/v1/finance", market.finance),
    ("PUT", "/api/v1/vendors/{id}/prices", vendor_prices.put_prices),
    ("GET", "/api/v1/exports", exports.listing),
    ("POST", "/api/v1/exports", exports.create),
    ("GET", "/api/v1/openapi.json", openapi.openapi),
    ("GET", "/downloads/{token}", downloads.download),
)


def add_routes(app: web.Application) -> None:
    for method, path, handler in ROUTES:
        app.router.add_route(method, path, handler)
