"""Downloading inbound media: Twilio's MediaUrl with the account's Basic auth, a Meta media id
(`meta-media:<id>`, looked up on the Graph API with the access token), or a local file.

Local paths are accepted only for messages of the local console provider (`khaacho chat`, conversation
fixtures); a message from Twilio must point at an http(s) URL.
"""

from __future__ import annotations

from pathlib import Path

import aiohttp

from bot.channels.meta import media_id_of
from bot.channels.meta_sender import MediaGone, media_download_url


class MediaRejected(ValueError):
    """The media cannot be used (too large, wrong type, gone); not worth retrying."""


async def fetch_media(url: str, *, provider: str, session: aiohttp.ClientSession | None,
                      auth: aiohttp.BasicAuth | None, max_bytes: int, timeout: float = 30.0,
                      meta_token: str = "", meta_base_url: str | None = None) -> tuple[bytes, str]:
    """The media's bytes and content type (from the server when it says one)."""
    headers = None
    media_id = media_id_of(url)
    if provider == "meta" and media_id is not None and session is not None:
        try:
            url = await media_download_url(session, media_id, meta_token, meta_base_url)
        except MediaGone as exc:
            raise MediaRejected(str(exc)) from exc
        auth, headers = None, {"Authorization": f"Bearer {meta_token}"}
    if not url.startswith(("http://", "https://")):
        if provider != "console":
            raise MediaRejected(f"{provider} media must be an http(s) URL")
        path = Path(url)
        if not path.is_file():
            raise MediaRejected(f"no such file {url}")
        if path.stat().st_size > max_bytes:
            raise MediaRejected(f"file larger than {max_bytes} bytes")
        return path.read_bytes(), ""
    if session is None:
        raise RuntimeError("an HTTP session is needed to download media")
    async with session.get(url, auth=auth, headers=headers,
                           timeout=aiohttp.ClientTimeout(total=timeout)) as response:
        if response.status in (404, 410):
            raise MediaRejected(f"media gone (HTTP {response.status})")
        response.raise_for_status()  # 5xx and 401 are retried: a wrong token may be fixed
        if response.content_length and response.content_length > max_bytes:
            raise MediaRejected(f"media larger than {max_bytes} bytes")
        data = bytearray()
        async for chunk in response.content.iter_chunked(65536):
            data.extend(chunk)
            if len(data) > max_bytes:
                raise MediaRejected(f"media larger than {max_bytes} bytes")
        return bytes(data), response.content_type or ""
