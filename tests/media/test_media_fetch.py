"""Downloading inbound media: Twilio's Basic auth, the size limit, local files only for the console."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from jobs.media_fetch import MediaRejected, fetch_media
from tests.support.cloud_stubs import serve
from tests.support.twilio_stub import TwilioStub

SID, TOKEN = "AC" + "a1" * 16, "test-auth-token"
DATA = Path(__file__).resolve().parents[1] / "conversations" / "data"


async def test_media_download_uses_the_account_credentials_and_limits() -> None:
    stub = TwilioStub(SID, TOKEN, media_dir=DATA)
    runner, base = await serve(stub.app())
    try:
        async with aiohttp.ClientSession() as session:
            url = f"{base}/media/media_list.png"
            data, kind = await fetch_media(url, provider="twilio", session=session,
                                           auth=aiohttp.BasicAuth(SID, TOKEN), max_bytes=1_000_000)
            assert data == (DATA / "media_list.png").read_bytes() and kind == "image/png"
            with pytest.raises(MediaRejected, match="gone"):  # the stub hides media from a wrong token
                await fetch_media(url, provider="twilio", session=session,
                                  auth=aiohttp.BasicAuth(SID, "wrong"), max_bytes=1_000_000)
            with pytest.raises(MediaRejected, match="larger"):
                await fetch_media(url, provider="twilio", session=session,
                                  auth=aiohttp.BasicAuth(SID, TOKEN), max_bytes=1000)
    finally:
        await runner.cleanup()


async def test_media_local_paths_only_for_the_console() -> None:
    path = str(DATA / "media_voice.ogg")
    data, _ = await fetch_media(path, provider="console", session=None, auth=None, max_bytes=100_000)
    assert data[:4] == b"OggS"
    with pytest.raises(MediaRejected, match="http"):
        await fetch_media(path, provider="twilio", session=None, auth=None, max_bytes=100_000)
    with pytest.raises(MediaRejected, match="larger"):
        await fetch_media(path, provider="console", session=None, auth=None, max_bytes=100)
