"""Logins to the web console: one-time codes (stored as hashes) and the sessions they open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from domain.people import User


@dataclass(frozen=True)
class LoginCode:
    id: int
    code_hash: str
    tries: int
    expires_at: datetime
    used_at: datetime | None


@dataclass(frozen=True)
class WebSession:
    user: User
    csrf: str
    expires_at: datetime


class WebLoginRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def codes_since(self, phone: str, since: datetime) -> int:
        return await self.conn.fetchval(
            "SELECT count(*) FROM web_login_codes WHERE phone = $1 AND created_at >= $2", phone, since)

    async def add_code(self, phone: str, code_hash: str, at: datetime, expires_at: datetime) -> None:
        await self.conn.execute(
            "INSERT INTO web_login_codes (phone, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            phone, code_hash, at, expires_at)

    async def latest_code(self, phone: str) -> LoginCode | None:
        """The newest code of `phone`, locked until the transaction ends (tries are counted under it)."""
        row = await self.conn.fetchrow(
            "SELECT id, code_hash, tries, expires_at, used_at FROM web_login_codes WHERE phone = $1"
            " ORDER BY created_at DESC, id DESC LIMIT 1 FOR UPDATE", phone)
        return LoginCode(**row) if row else None

    async def count_try(self, code_id: int) -> None:
        await self.conn.execute("UPDATE web_login_codes SET tries = tries + 1 WHERE id = $1", code_id)

    async def use_code(self, code_id: int, at: datetime) -> None:
        await self.conn.execute("UPDATE web_login_codes SET used_at = $2 WHERE id = $1", code_id, at)

    async def open_session(self, token_hash: str, user_id: int, csrf: str, at: datetime,
                           expires_at: datetime) -> None:
        await self.conn.execute(
            "INSERT INTO web_sessions (token_hash, user_id, csrf, created_at, expires_at)"
            " VALUES ($1, $2, $3, $4, $5)", token_hash, user_id, csrf, at, expires_at)

    async def session(self, token_hash: str, now: datetime) -> WebSession | None:
        """The live session with this token, of an admin still active."""
        row = await self.conn.fetchrow(
            "SELECT u.id, u.phone, u.name, u.role, u.language, s.csrf, s.expires_at FROM web_sessions s"
            " JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.ended_at IS NULL"
            " AND s.expires_at > $2 AND u.active AND u.role = 'admin'", token_hash, now)
        if row is None:
            return None
        user = User(row["id"], row["phone"], row["name"], row["role"], row["language"])
        return WebSession(user, row["csrf"], row["expires_at"])

    async def end_session(self, token_hash: str, at: datetime) -> None:
        await self.conn.execute(
            "UPDATE web_sessions SET ended_at = $2 WHERE token_hash = $1 AND ended_at IS NULL", token_hash, at)
