"""The one place a unit of work is wired for the services: texts, clock, language, and events that
become notifications."""

from __future__ import annotations

from typing import Any

from services.notifications import publish
from storage.clock import Clock
from storage.notifier import Renderer
from storage.uow import Pool, UnitOfWork


def unit_of_work(pool: Pool, texts: Renderer, clock: Clock, config: Any, *,
                 inbound_id: int | None = None) -> UnitOfWork:
    """`async with unit_of_work(...) as uow:` for a handled message (`inbound_id`) or a job."""
    return UnitOfWork(pool, texts, clock=clock, default_language=config.languages.default, inbound_id=inbound_id,
                      publish=publish)
