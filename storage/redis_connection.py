"""Redis for a process: the server in REDIS_URL, or the master Sentinel names when REDIS_SENTINELS is set.

With Sentinel, REDIS_URL is optional and gives only the database number and password
(`redis://:secret@any/2`); the sentinels give the master's address, and a failover moves every
client to the new master without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import redis.asyncio as aioredis
from redis.asyncio.sentinel import Sentinel


def parse_sentinels(text: str) -> list[tuple[str, int]]:
    """'10.0.0.1:26379, sentinel-b:26379' -> [(host, port), ...]; ValueError saying what is wrong."""
    found = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        host, sep, port = part.rpartition(":")
        host = host.strip("[]")  # [::1]:26379
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"{part!r} is not host:port")
        found.append((host, int(port)))
    if not found:
        raise ValueError("expected host:port[,host:port...]")
    return found


@dataclass(frozen=True)
class RedisTarget:
    url: str | None = None
    sentinels: list[tuple[str, int]] = field(default_factory=list)
    master: str = "mymaster"

    @property
    def database(self) -> int:
        if not self.url:
            return 0
        parts = urlsplit(self.url)
        query = parse_qs(parts.query).get("db")
        if query:
            return int(query[0])
        return int(parts.path.lstrip("/") or 0) if parts.scheme != "unix" else 0

    @property
    def password(self) -> str | None:
        return urlsplit(self.url).password if self.url else None

    @property
    def username(self) -> str | None:
        return urlsplit(self.url).username or None if self.url else None


def connect_redis(target: RedisTarget) -> aioredis.Redis:
    if not target.sentinels:
        return aioredis.from_url(target.url or "redis://127.0.0.1:6379/0")
    sentinel = Sentinel(target.sentinels, socket_timeout=5.0,
                        sentinel_kwargs={"socket_timeout": 5.0})
    return sentinel.master_for(target.master, db=target.database, password=target.password,
                               username=target.username, socket_timeout=5.0)
