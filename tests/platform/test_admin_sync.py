"""Admins come from config.yml at start: one removed from it is no longer an admin; ones added by hand stay."""

from __future__ import annotations

import dataclasses

from bot.config import AdminEntry
from bot.runtime import Runtime, sync_admins
from storage.repos.users import UserRepository


async def _admins(runtime: Runtime) -> list[str]:
    async with runtime.pool.acquire() as conn:
        return [r["phone"] for r in await conn.fetch(
            "SELECT phone FROM users WHERE role = 'admin' AND active ORDER BY phone")]


async def test_an_admin_removed_from_config_is_demoted_at_the_next_start(runtime: Runtime) -> None:
    two = dataclasses.replace(runtime.config, admins=[AdminEntry("+9779800000000", "Ops Desk"),
                                                      AdminEntry("+9779800000009", "Night Shift")])
    await sync_admins(runtime.pool, two)
    async with runtime.pool.acquire() as conn:
        await UserRepository(conn).upsert("+9779800000007", "Added By Hand", "admin")  # `khaacho admin add`
    assert await _admins(runtime) == ["+9779800000000", "+9779800000007", "+9779800000009"]

    one = dataclasses.replace(runtime.config, admins=[AdminEntry("+9779800000000", "Ops Desk")])
    await sync_admins(runtime.pool, one)
    assert await _admins(runtime) == ["+9779800000000", "+9779800000007"]
    async with runtime.pool.acquire() as conn:
        assert await UserRepository(conn).by_phone("+9779800000009") is None  # an unknown sender now

    await sync_admins(runtime.pool, two)  # listed again: an admin again
    assert await _admins(runtime) == ["+9779800000000", "+9779800000007", "+9779800000009"]
