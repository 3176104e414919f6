import math

import pytest

from domain.geo import EARTH_RADIUS_KM, haversine_km

KATHMANDU = (27.7172, 85.3240)
POKHARA = (28.2096, 83.9856)


@pytest.mark.parametrize(
    ("a", "b", "expected_km", "tolerance_km"),
    [
        (KATHMANDU, KATHMANDU, 0.0, 1e-9),
        ((0.0, 0.0), (1.0, 0.0), math.pi * EARTH_RADIUS_KM / 180, 1e-6),  # one degree of latitude
        ((0.0, 0.0), (0.0, 180.0), math.pi * EARTH_RADIUS_KM, 1e-6),  # half way round the equator
        ((90.0, 0.0), (-90.0, 0.0), math.pi * EARTH_RADIUS_KM, 1e-6),  # pole to pole
        (KATHMANDU, POKHARA, 142.0, 1.5),  # aerial distance usually quoted as about 142 km
    ],
)
def test_haversine_km(a, b, expected_km, tolerance_km):
    assert haversine_km(*a, *b) == pytest.approx(expected_km, abs=tolerance_km)


def test_haversine_is_symmetric_and_wraps_longitude():
    assert haversine_km(*KATHMANDU, *POKHARA) == pytest.approx(haversine_km(*POKHARA, *KATHMANDU))
    assert haversine_km(0.0, 179.5, 0.0, -179.5) == pytest.approx(haversine_km(0.0, 0.0, 0.0, 1.0))


def test_haversine_rejects_bad_latitude():
    with pytest.raises(ValueError):
        haversine_km(91.0, 0.0, 0.0, 0.0)


def test_agrees_with_the_spherical_law_of_cosines():
    lat1, lon1, lat2, lon2 = map(math.radians, (*KATHMANDU, *POKHARA))
    cosines = EARTH_RADIUS_KM * math.acos(
        math.sin(lat1) * math.sin(lat2) + math.cos(lat1) * math.cos(lat2) * math.cos(lon2 - lon1)
    )
    assert haversine_km(*KATHMANDU, *POKHARA) == pytest.approx(cosines, rel=1e-9)
