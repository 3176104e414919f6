"""Downloading inbound media: Twilio's MediaUrl with the account's Basic auth, a Meta media id
(`meta-media:<id>`, looked up on the Graph API with the access token), or a local file.

A webhook's media URL is input nobody here wrote, so a download is held to `MediaPolicy`:
credentials go only to the provider's own media hosts (taken from the configured API base URLs, so
a local stub works in tests); a Twilio or Meta URL on any other host is refused; redirects are
followed by hand (at most MAX_REDIRECTS, credentials never forwarded to another host); and no
private, loopback, link-local or otherwise non-public address is ever connected to — checked on the
resolved address of every hop, by the session's resolver too, so a DNS answer cannot change in
between. Only the configured provider hosts themselves may resolve to a private address (a stub).

Local paths are accepted only for messages of the local console provider (`khaacho chat`, conversation
fixtures); a message from Twilio must point at an http(s) URL.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from bot.channels.meta import media_id_of
from bot.channels.meta_sender import DEFAULT_API_BASE_URL, MediaGone, media_download_url

MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MEDIA_ID = re.compile(r"[0-9A-Za-z_.-]{1,128}")  # what goes into the Graph API path
META_MEDIA_HOSTS = frozenset({"lookaside.fbsbx.com"})  # where the Graph API's download URLs point


LOCAL_PROVIDERS = ("console", "web")  # the terminal chat and the web simulator hand over files on this machine


class MediaRejected(ValueError):
    """The media cannot be used (too large, wrong type, gone, not allowed); not worth retrying."""


def _origin(url: str) -> str:
    """'https://api.twilio.com/x' -> 'api.twilio.com:443': what a credential is bound to."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{(parts.hostname or '').lower()}:{port}"


def is_public(address: str) -> bool:
    """False for private, loopback, link-local, multicast, reserved and unspecified addresses."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


@dataclass(frozen=True)
class MediaPolicy:
    """Which hosts get which credentials; built from the configured provider base URLs."""

    twilio_base_url: str = "https://api.twilio.com"
    twilio_auth: aiohttp.BasicAuth | None = None
    meta_base_url: str = DEFAULT_API_BASE_URL
    meta_token: str = ""

    @classmethod
    def from_secrets(cls, secrets: Any) -> MediaPolicy:
        auth = (aiohttp.BasicAuth(secrets.twilio_account_sid, secrets.twilio_auth_token)
                if secrets.twilio_account_sid and secrets.twilio_auth_token else None)
        return cls(secrets.twilio_api_base_url, auth, secrets.meta_api_base_url or DEFAULT_API_BASE_URL,
                   secrets.meta_access_token or "")

    @property
    def trusted(self) -> frozenset[str]:
        """The origins ('host:port') that may be a private address: only what the operator configured."""
        return frozenset(_origin(u) for u in (self.twilio_base_url, self.meta_base_url))

    def credentials(self, provider: str, url: str) -> tuple[aiohttp.BasicAuth | None, dict[str, str] | None]:
        """The credentials `url` gets: the provider's own, on its own host; none anywhere else."""
        origin = _origin(url)
        if provider == "twilio" and origin == _origin(self.twilio_base_url):
            return self.twilio_auth, None
        meta_origins = {_origin(self.meta_base_url)} | {f"{h}:443" for h in META_MEDIA_HOSTS}
        if provider == "meta" and origin in meta_origins and self.meta_token:
            return None, {"Authorization": f"Bearer {self.meta_token}"}
        return None, None

    def check_first(self, provider: str, url: str) -> None:
        """A webhook's media URL must be on its provider's media host (the console's may be anywhere)."""
        if provider in ("twilio", "meta") and self.credentials(provider, url) == (None, None):
            raise MediaRejected(f"{provider} media from a host that is not {provider}'s: {urlsplit(url).hostname}")


class PublicResolver(AbstractResolver):
    """A resolver that answers only public addresses, except for the configured provider origins."""

    def __init__(self, trusted: Collection[str] = ()) -> None:
        self._inner = DefaultResolver()
        self._trusted = frozenset(trusted)

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        if f"{host.lower()}:{port}" in self._trusted:
            return found
        public = [r for r in found if is_public(r["host"])]
        if not public:
            raise OSError(f"{host} resolves to no public address")
        return public

    async def close(self) -> None:
        await self._inner.close()


def media_session(policy: MediaPolicy) -> aiohttp.ClientSession:
    """The HTTP session media downloads go through (its resolver refuses private addresses)."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(resolver=PublicResolver(policy.trusted)))


async def _check_address(url: str, trusted: Collection[str]) -> None:
    """Refuse a hop whose host is, or resolves to, a non-public address (literal IPs skip resolvers)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MediaRejected(f"not an http(s) URL: {url[:80]}")
    host = parts.hostname
    if _origin(url) in trusted:
        return
    try:
        ipaddress.ip_address(host)
        addresses = [host]
    except ValueError:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, parts.port or 443, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise MediaRejected(f"cannot resolve {host}: {exc}") from exc
        addresses = [str(info[4][0]) for info in infos]
    if not addresses or not all(is_public(a) for a in addresses):
        raise MediaRejected(f"media host {host} is not a public address")


async def fetch_media(url: str, *, provider: str, session: aiohttp.ClientSession | None,
                      policy: MediaPolicy | None = None, max_bytes: int,
                      timeout: float = 30.0) -> tuple[bytes, str]:
    """The media's bytes and content type (from the server when it says one)."""
    policy = policy or MediaPolicy()
    media_id = media_id_of(url)
    if provider == "meta" and media_id is not None and session is not None:
        if not _MEDIA_ID.fullmatch(media_id):
            raise MediaRejected(f"not a media id: {media_id[:40]!r}")
        try:
            url = await media_download_url(session, media_id, policy.meta_token, policy.meta_base_url)
        except MediaGone as exc:
            raise MediaRejected(str(exc)) from exc
    if not url.startswith(("http://", "https://")):
        if provider not in LOCAL_PROVIDERS:
            raise MediaRejected(f"{provider} media must be an http(s) URL")
        path = Path(url)
        if not path.is_file():
            raise MediaRejected(f"no such file {url}")
        if path.stat().st_size > max_bytes:
            raise MediaRejected(f"file larger than {max_bytes} bytes")
        return path.read_bytes(), ""
    if session is None:
        raise RuntimeError("an HTTP session is needed to download media")
    policy.check_first(provider, url)
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    for _ in range(MAX_REDIRECTS + 1):
        await _check_address(url, policy.trusted)
        auth, headers = policy.credentials(provider, url)
        async with session.get(url, auth=auth, headers=headers, timeout=client_timeout,
                               allow_redirects=False) as response:
            if response.status in REDIRECTS and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"])
                continue
            return await _read(response, max_bytes)
    raise MediaRejected(f"more than {MAX_REDIRECTS} redirects")


async def _read(response: aiohttp.ClientResponse, max_bytes: int) -> tuple[bytes, str]:
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
