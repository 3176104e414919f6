"""schemathesis against /api/v1/openapi.json: no server errors, and every response as the document says."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import create_app
from bot.appkeys import RUNTIME
from services import UnitOfWork
from services.ops.apikeys import create_key
from tests.conftest import make_config
from tests.ops.conftest import seed_ops_data

CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,"
          "response_headers_conformance,negative_data_rejection,ignored_auth")
EXAMPLES = int(os.environ.get("KHAACHO_SCHEMATHESIS_EXAMPLES", "15"))


@pytest.fixture
async def api_server(aiohttp_server: Any) -> AsyncIterator[tuple[str, str]]:
    config = make_config(PUBLIC_BASE_URL="https://ops.example.com", KHAACHO_SECRET_KEY="test-link-secret")
    server = await aiohttp_server(create_app(config))
    runtime = server.app[RUNTIME]
    await seed_ops_data(runtime)
    async with UnitOfWork(runtime.pool) as uow:
        _, key = await create_key(uow, "schemathesis", datetime.now(UTC))
    yield str(server.make_url("")).rstrip("/"), key


async def test_the_api_keeps_to_its_openapi_document(api_server: tuple[str, str], tmp_path: Path) -> None:
    base, key = api_server
    st = Path(sys.executable).with_name("st")
    proc = await asyncio.create_subprocess_exec(
        str(st), "run", f"{base}/api/v1/openapi.json", "--url", base, "-H", f"Authorization: Bearer {key}",
        "--checks", CHECKS, "-n", str(EXAMPLES), "--seed", "1", "--workers", "1", "--max-failures", "20",
        "--exclude-path", "/downloads/{token}", "--warnings", "off",
        cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await proc.communicate()
    assert proc.returncode == 0, output.decode()[-6000:]
