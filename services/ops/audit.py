"""The audit log of what operators (and callers refused) did."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.uow import UnitOfWork


async def audit(uow: UnitOfWork, actor: str, action: str, at: datetime, *, subject: str | None = None,
                before: Any = None, after: Any = None) -> None:
    await uow.audit.record(actor, action, at, subject=subject, before=before, after=after)
