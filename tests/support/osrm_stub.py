"""A local OSRM Table service that rejects what the real one rejects.

`GET /table/v1/{profile}/{lon,lat;lon,lat...}`: coordinates as lon,lat with lon in [-180, 180] and lat
in [-90, 90] (else 400 InvalidValue), at least two (else 400 InvalidOptions), well-formed pairs (else 400 InvalidQuery),
`annotations` one of duration, distance, duration,distance (else 400 InvalidOptions). Distances are the
great-circle metres times `factor`; points listed in `unreachable` get null, as OSRM gives for a point
it cannot snap to a road.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from domain.geo import haversine_km


@dataclass
class OsrmStub:
    factor: float = 1.3
    unreachable: set[int] = field(default_factory=set)
    requests: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/table/v1/{profile}/{coordinates}", self.table)
        return app

    def _refuse(self, code: str, message: str) -> web.Response:
        self.rejected.append(f"{code}: {message}")
        return web.json_response({"code": code, "message": message}, status=400)

    async def table(self, request: web.Request) -> web.Response:
        self.requests.append(str(request.rel_url))
        if request.match_info["profile"] not in ("driving", "car"):
            return self._refuse("InvalidService", "unknown profile")
        annotations = request.query.get("annotations", "duration")
        if annotations not in ("duration", "distance", "duration,distance", "distance,duration"):
            return self._refuse("InvalidOptions", "annotations must be duration and/or distance")
        points = []
        for pair in request.match_info["coordinates"].split(";"):
            try:
                lon, lat = (float(x) for x in pair.split(","))
            except ValueError:
                return self._refuse("InvalidQuery", f"query string malformed near {pair!r}")
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                return self._refuse("InvalidValue", "coordinates out of range")
            points.append((lat, lon))
        if len(points) < 2:
            return self._refuse("InvalidOptions", "at least two coordinates")
        metres = [[None if (i in self.unreachable or j in self.unreachable) and i != j
                   else round(haversine_km(*a, *b) * self.factor * 1000, 1)
                   for j, b in enumerate(points)] for i, a in enumerate(points)]
        body: dict[str, object] = {"code": "Ok", "sources": [], "destinations": []}
        if "distance" in annotations:
            body["distances"] = metres
        if "duration" in annotations:
            body["durations"] = [[None if d is None else d / 8 for d in row] for row in metres]
        return web.json_response(body)
