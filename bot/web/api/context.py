"""What the API views take from the app: a unit of work for the services, the platform's zone."""

from __future__ import annotations

from datetime import tzinfo

from aiohttp import web

from bot.appkeys import CONFIG, RUNTIME
from domain.formatting import platform_zone
from services import UnitOfWork
from services.bootstrap import unit_of_work as make_unit_of_work


def unit_of_work(request: web.Request) -> UnitOfWork:
    """`async with unit_of_work(request) as uow:` one transaction for the services this request calls."""
    runtime = request.app[RUNTIME]
    return make_unit_of_work(runtime.pool, runtime.texts, runtime.clock, request.app[CONFIG])


def read_unit_of_work(request: web.Request) -> UnitOfWork:
    """A unit of work on DATABASE_READ_URL (the primary without it) for views that only read."""
    runtime = request.app[RUNTIME]
    return make_unit_of_work(runtime.reads, runtime.texts, runtime.clock, request.app[CONFIG])


def zone(request: web.Request) -> tzinfo:
    return platform_zone(request.app[CONFIG])
