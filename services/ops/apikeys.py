"""API keys: shown once when made, stored only as their sha256."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from storage.repos.apikeys import ApiKey
from storage.uow import UnitOfWork

PREFIX = "khk_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def create_key(uow: UnitOfWork, name: str, now: datetime) -> tuple[int, str]:
    """A new key for `name`: (id, the key). The key is not kept and cannot be shown again."""
    key = PREFIX + secrets.token_urlsafe(32)
    return await uow.api_keys.add(name, hash_key(key), key[:len(PREFIX) + 6], now), key


async def authenticate(uow: UnitOfWork, key: str, now: datetime) -> ApiKey | None:
    """The live key matching `key` (its last use noted), or None."""
    return await uow.api_keys.use(hash_key(key), now)


async def revoke_keys(uow: UnitOfWork, name: str, now: datetime) -> int:
    """Revoke every live key called `name`; how many were."""
    return await uow.api_keys.revoke(name, now)


async def all_keys(uow: UnitOfWork) -> list[ApiKey]:
    return await uow.api_keys.all()
