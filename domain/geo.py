"""Geography helpers:

haversine_km(lat1, lon1, lat2, lon2) -> float   great-circle distance in kilometres
"""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points given in decimal degrees."""
    for lat in (lat1, lat2):
        if not -90.0 <= lat <= 90.0:
            raise ValueError(f"latitude out of range: {lat}")
    phi1, phi2 = radians(lat1), radians(lat2)
    d_phi, d_lambda = phi2 - phi1, radians(lon2 - lon1)
    h = sin(d_phi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(h)))


def read_point(lat: object, lon: object) -> tuple[float, float] | None:
    """A shared location's coordinates ("27.7", "83.45"), or None when they are not a place on Earth."""
    try:
        point = (float(str(lat)), float(str(lon)))
    except ValueError:
        return None
    if any(c != c or c in (float("inf"), float("-inf")) for c in point):
        return None
    return point if -90.0 <= point[0] <= 90.0 and -180.0 <= point[1] <= 180.0 else None
