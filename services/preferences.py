"""What people choose for themselves: the language they are answered in."""

from __future__ import annotations

from storage.uow import UnitOfWork


async def keep_language(uow: UnitOfWork, user_id: int, language: str) -> None:
    """Remember the user's language (it outlives the conversation row, which keeps it too)."""
    await uow.users.set_language(user_id, language)
