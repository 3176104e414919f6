"""`apikey create NAME` (prints the key once), `apikey list`, `apikey revoke NAME`."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from bot.config import Config
from services import UnitOfWork
from services.ops.apikeys import all_keys, create_key, revoke_keys
from storage.db import create_pool, migrate


def register(sub: argparse._SubParsersAction) -> None:
    keys = sub.add_parser("apikey", help="keys for the JSON API under /api/v1").add_subparsers(
        dest="action", required=True)
    create = keys.add_parser("create", help="make a key; it is printed once and stored only as a hash")
    create.add_argument("name", help="who or what uses it, e.g. metabase")
    create.set_defaults(run=run)
    keys.add_parser("list", help="the keys, without their secret part").set_defaults(run=run)
    revoke = keys.add_parser("revoke", help="revoke every live key of this name")
    revoke.add_argument("name")
    revoke.set_defaults(run=run)


async def run(args: argparse.Namespace, config: Config) -> int:
    pool = await create_pool(config.secrets.database_url or "", min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
        async with UnitOfWork(pool) as uow:
            now = datetime.now(UTC)
            if args.action == "create":
                key_id, key = await create_key(uow, args.name, now)
                print(f"API key #{key_id} for {args.name} (shown once, keep it safe):\n{key}")
            elif args.action == "revoke":
                count = await revoke_keys(uow, args.name, now)
                print(f"revoked {count} key(s) named {args.name}")
                return 0 if count else 1
            else:
                for k in await all_keys(uow):
                    state = f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "live"
                    used = f"{k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else "never"
                    print(f"#{k.id} {k.name} {k.prefix}… {state}, last used {used}")
    finally:
        await pool.close()
    return 0
