"""Road distances from a local OSRM Table stub."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from domain.delivery import Point, road_km_matrix
from domain.geo import haversine_km
from routing.osrm import OsrmError, osrm_km_matrix
from tests.support.osrm_stub import OsrmStub

THAMEL, PATAN, BHAKTAPUR = Point(27.7154, 85.3123), Point(27.6727, 85.3253), Point(27.6722, 85.4279)


async def _matrix(stub: OsrmStub, points: list[Point], path: str = "") -> list[list[float]]:
    async with TestServer(stub.app()) as server, aiohttp.ClientSession() as session:
        return await osrm_km_matrix(session, str(server.make_url(path)), points, road_factor=1.4)


async def test_the_matrix_is_the_servers_road_km() -> None:
    stub = OsrmStub(factor=1.3)
    km = await _matrix(stub, [THAMEL, PATAN, BHAKTAPUR])
    assert km[0][1] == pytest.approx(haversine_km(THAMEL.lat, THAMEL.lon, PATAN.lat, PATAN.lon) * 1.3, rel=1e-3)
    assert km[1][1] == 0 and not stub.rejected
    assert stub.requests[0].startswith("/table/v1/driving/85.312300,27.715400;85.325300,27.672700;")


async def test_an_unroutable_shop_falls_back_to_the_road_factor() -> None:
    stub = OsrmStub(factor=1.3, unreachable={2})
    km = await _matrix(stub, [THAMEL, PATAN, BHAKTAPUR])
    assert km[0][2] == pytest.approx(road_km_matrix([THAMEL, BHAKTAPUR], 1.4)[0][1])
    assert km[0][1] == pytest.approx(haversine_km(THAMEL.lat, THAMEL.lon, PATAN.lat, PATAN.lon) * 1.3, rel=1e-3)


async def test_a_refusal_is_an_error_naming_the_reason() -> None:
    stub = OsrmStub()
    with pytest.raises(OsrmError, match="coordinates out of range"):
        await _matrix(stub, [THAMEL, Point(27.7, 190.0)])
    assert stub.rejected == ["InvalidValue: coordinates out of range"]


async def test_a_server_that_is_not_there_is_an_error() -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(OsrmError, match="did not answer"):
            await osrm_km_matrix(session, "http://127.0.0.1:9", [THAMEL, PATAN], timeout_s=2)
