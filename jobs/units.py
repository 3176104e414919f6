"""The unit of work a job runs in, wired from arq's ctx like the handlers' (texts, clock, config)."""

from __future__ import annotations

from typing import Any

from services import bootstrap
from services.texts import default_texts
from storage.uow import UnitOfWork


def unit_of_work(ctx: dict[str, Any]) -> UnitOfWork:
    """`async with unit_of_work(ctx) as uow:` one transaction of a job; its notices commit with it."""
    runtime = ctx.get("runtime")
    texts = runtime.texts if runtime is not None else default_texts()
    return bootstrap.unit_of_work(ctx["pool"], texts, ctx["clock"], ctx["config"])
