"""Which database failures are the moment's, not the message's: retry them instead of failing it.

A serialization failure or deadlock (SQLSTATE class 40) means another transaction won a race; a
terminated backend, a restart or a dropped socket (class 08, 57P01-57P03, OSError) means the
connection went away. Running the same work again in a fresh transaction is correct for all of them.
"""

from __future__ import annotations

import asyncio

import asyncpg

_TRANSIENT_SQLSTATES = ("40001", "40P01", "55P03", "57P01", "57P02", "57P03", "53300")


def is_transient(exc: BaseException) -> bool:
    """Whether running the same transaction again may well succeed."""
    if isinstance(exc, asyncpg.PostgresError):
        state = getattr(exc, "sqlstate", "") or ""
        return state in _TRANSIENT_SQLSTATES or state.startswith(("08", "40"))
    if isinstance(exc, asyncpg.InternalClientError):  # the driver's state after its backend died under it
        return True
    if isinstance(exc, asyncpg.InterfaceError):  # "connection is closed" (not a misuse of the driver)
        return isinstance(exc, asyncpg.ConnectionDoesNotExistError) or "connection" in str(exc).lower()
    return isinstance(exc, OSError | ConnectionError | asyncio.TimeoutError)
