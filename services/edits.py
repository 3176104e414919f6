"""Edited messages (the Cloud API's `edit`): an edit is a new message only while its original has
not been acted on; once the original was handled the edit changes nothing."""

from __future__ import annotations

from datetime import datetime

from storage.repos.inbox import InboundRecord
from storage.uow import UnitOfWork


def edited_original(record: InboundRecord) -> str | None:
    """The provider id of the message `record` edits, or None when it is no edit."""
    original = record.payload.get("Edits")
    return original if isinstance(original, str) and original else None


async def original_was_handled(uow: UnitOfWork, record: InboundRecord, now: datetime) -> bool:
    """Whether the original of the edit `record` was handled; when not, it never will be (the edit
    stands in for it)."""
    original = edited_original(record)
    if original is None:
        return False
    return await uow.inbox.settle_original(provider=record.provider, provider_id=original, phone=record.phone,
                                           by=record.id, at=now)
