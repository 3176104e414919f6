"""A shared rate limit in Redis: a per-second window over several keys, granted atomically."""

from __future__ import annotations

import time

import redis.asyncio as aioredis

# Grants up to ARGV[1] tokens this second without any key passing its own limit (ARGV[2..]).
_GRANT = """
local want = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local used = tonumber(redis.call('GET', key) or '0')
  local room = tonumber(ARGV[i + 1]) - used
  if room < want then want = room end
end
if want <= 0 then return 0 end
for _, key in ipairs(KEYS) do
  redis.call('INCRBY', key, want)
  redis.call('EXPIRE', key, 2)
end
return want
"""


class RateLimiter:
    def __init__(self, redis: aioredis.Redis, limits: dict[str, float]) -> None:
        """`limits` maps a name (a sender number, "total") to messages per second."""
        self._redis = redis
        self._limits = limits
        self._script = redis.register_script(_GRANT)

    async def grant(self, wanted: int) -> int:
        """How many of `wanted` sends may go out now (0: wait for the next second)."""
        return int(await self._script(keys=self._keys(), args=[wanted, *(int(v) for v in self._limits.values())]))

    async def refund(self, unused: int) -> None:
        """Give back tokens granted but not used (fewer messages were waiting than granted)."""
        async with self._redis.pipeline(transaction=True) as pipe:
            for key in self._keys():
                pipe.decrby(key, unused)
            await pipe.execute()

    def _keys(self) -> list[str]:
        second = int(time.time())
        return [f"khaacho:rate:{name}:{second}" for name in self._limits]
