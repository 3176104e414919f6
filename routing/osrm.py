"""Road distances from an OSRM server's Table service (`GET /table/v1/driving/{lon,lat;...}`).

One request for the whole matrix, `annotations=distance` (metres). A pair OSRM cannot route (null)
falls back to the great-circle distance times the road factor, so one unreachable shop does not stop
planning.
"""

from __future__ import annotations

from collections.abc import Sequence

import aiohttp

from domain.delivery import Point, road_km_matrix


class OsrmError(Exception):
    """The server refused the request or could not be reached; the message says which."""


async def osrm_km_matrix(session: aiohttp.ClientSession, base_url: str, points: Sequence[Point], *,
                         road_factor: float = 1.4, timeout_s: float = 10.0) -> list[list[float]]:
    if len(points) < 2:
        return road_km_matrix(points, road_factor)
    coordinates = ";".join(f"{p.lon:.6f},{p.lat:.6f}" for p in points)
    url = f"{base_url.rstrip('/')}/table/v1/driving/{coordinates}"
    try:
        async with session.get(url, params={"annotations": "distance"},
                               timeout=aiohttp.ClientTimeout(total=timeout_s)) as response:
            body = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        raise OsrmError(f"OSRM at {base_url} did not answer: {exc}") from exc
    if response.status != 200 or not isinstance(body, dict) or body.get("code") != "Ok":
        message = body.get("message") if isinstance(body, dict) else ""
        raise OsrmError(f"OSRM refused the table request ({response.status}): {message}")
    distances = body.get("distances")
    if not isinstance(distances, list) or len(distances) != len(points):
        raise OsrmError("OSRM answered without a distance matrix")
    fallback = road_km_matrix(points, road_factor)
    return [[fallback[i][j] if cell is None else float(cell) / 1000 for j, cell in enumerate(row)]
            for i, row in enumerate(distances)]
