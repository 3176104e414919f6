"""`khaacho apikey create|list|revoke`: the key is printed once and only its hash is kept."""

from __future__ import annotations

import asyncio
import os

import asyncpg
import pytest

from bot.cli import main
from services.ops.apikeys import hash_key


def _stored() -> list[asyncpg.Record]:
    async def fetch() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(os.environ["DATABASE_URL"])
        try:
            return await conn.fetch("SELECT name, key_hash, prefix, revoked_at FROM api_keys WHERE name = 'metabase'")
        finally:
            await conn.close()
    return asyncio.run(fetch())


def test_create_list_revoke(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["apikey", "create", "metabase"]) == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key.startswith("khk_") and len(key) > 40
    (row,) = _stored()
    assert row["key_hash"] == hash_key(key) and key.startswith(row["prefix"])

    assert main(["apikey", "list"]) == 0
    listing = capsys.readouterr().out
    assert "metabase" in listing and row["prefix"] in listing and key not in listing

    assert main(["apikey", "revoke", "metabase"]) == 0
    assert _stored()[0]["revoked_at"] is not None
    assert main(["apikey", "revoke", "metabase"]) == 1
