"""`apikey create NAME` (prints the key once), `apikey list`, `apikey revoke NAME`."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from bot.config import Config
from services.ops.apikeys import ApiKeyRepository
from storage.db import connect, migrate


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
    conn = await connect(config.secrets.database_url or "")
    try:
        await migrate(conn)
        repo, now = ApiKeyRepository(conn), datetime.now(UTC)
        if args.action == "create":
            key_id, key = await repo.create(args.name, now)
            print(f"API key #{key_id} for {args.name} (shown once, keep it safe):\n{key}")
        elif args.action == "revoke":
            count = await repo.revoke(args.name, now)
            print(f"revoked {count} key(s) named {args.name}")
            return 0 if count else 1
        else:
            for k in await repo.all():
                state = f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "live"
                used = f"{k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else "never"
                print(f"#{k.id} {k.name} {k.prefix}… {state}, last used {used}")
    finally:
        await conn.close()
    return 0
