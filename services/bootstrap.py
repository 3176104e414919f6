"""The one place a unit of work is wired for the services: texts, clock, language, and events that
become notifications."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.notifications import publish
from services.texts import Texts
from storage.clock import Clock
from storage.uow import UnitOfWork


def unit_of_work(pool: asyncpg.Pool, texts: Texts, clock: Clock, config: Any, *,
                 inbound_id: int | None = None) -> UnitOfWork:
    """`async with unit_of_work(...) as uow:` for a handled message (`inbound_id`) or a job."""
    return UnitOfWork(pool, texts, clock=clock, default_language=config.languages.default, inbound_id=inbound_id,
                      publish=publish)
