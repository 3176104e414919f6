"""Admins log in to the web console with a six-digit code sent to their WhatsApp.

A code is valid CODE_TTL, for MAX_TRIES wrong guesses, once; a phone gets at most CODES_PER_WINDOW
codes per CODE_WINDOW. Only active admins get one, and whoever asks is told the same thing either
way (a phone is not revealed as an admin's). Cookie tokens and codes are stored as sha256 hashes.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.events import LoginCodeIssued
from services.ops.audit import audit
from storage.repos.web_sessions import WebSession
from storage.uow import UnitOfWork

CODE_TTL = timedelta(minutes=5)
MAX_TRIES = 5
CODES_PER_WINDOW = 3
CODE_WINDOW = timedelta(minutes=15)


class Asked(enum.Enum):
    SENT = "sent"            # also said to phones that are not admins'
    TOO_MANY = "too_many"


class Verified(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"      # too old, used up, too many tries, or never sent


@dataclass(frozen=True)
class Login:
    outcome: Verified
    token: str | None = None   # the cookie's value
    csrf: str | None = None


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def ask_code(uow: UnitOfWork, phone: str, now: datetime) -> Asked:
    repo = uow.web_logins
    if await repo.codes_since(phone, now - CODE_WINDOW) >= CODES_PER_WINDOW:
        return Asked.TOO_MANY
    user = await uow.users.by_phone(phone)
    code = f"{secrets.randbelow(10**6):06d}"
    await repo.add_code(phone, digest(code), now, now + CODE_TTL)  # counted for anyone: no probing
    if user is not None and user.role == "admin":
        await uow.record(LoginCodeIssued(phone, code, int(CODE_TTL.total_seconds() // 60)))
    return Asked.SENT


async def verify_code(uow: UnitOfWork, phone: str, code: str, now: datetime, ttl: timedelta) -> Login:
    """A session for `phone` when `code` is its latest live code; a wrong guess uses up a try."""
    repo = uow.web_logins
    latest = await repo.latest_code(phone)
    if latest is None or latest.used_at is not None or latest.expires_at <= now or latest.tries >= MAX_TRIES:
        return Login(Verified.EXPIRED)
    user = await uow.users.by_phone(phone)
    if user is None or user.role != "admin" or not hmac.compare_digest(digest(code.strip()), latest.code_hash):
        await repo.count_try(latest.id)
        return Login(Verified.WRONG if latest.tries + 1 < MAX_TRIES else Verified.EXPIRED)
    await repo.use_code(latest.id, now)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    await repo.open_session(digest(token), user.id, csrf, now, now + ttl)
    await audit(uow, f"admin:{user.id}", "web login", now, subject=phone)
    return Login(Verified.OK, token, csrf)


async def session(uow: UnitOfWork, token: str, now: datetime) -> WebSession | None:
    return await uow.web_logins.session(digest(token), now)


async def logout(uow: UnitOfWork, token: str, now: datetime) -> None:
    await uow.web_logins.end_session(digest(token), now)
