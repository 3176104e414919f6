"""Downloading inbound media: credentials only to the provider's own hosts, no private addresses,
redirects checked hop by hop, the size limit, local files only for the console."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st

from jobs.media_fetch import MediaPolicy, MediaRejected, fetch_media, is_public, media_session
from tests.support.cloud_stubs import serve
from tests.support.twilio_stub import TwilioStub

SID, TOKEN = "AC" + "a1" * 16, "test-auth-token"
DATA = Path(__file__).resolve().parents[1] / "conversations" / "data"


class Elsewhere:
    """A server that is not the provider: it records every request it gets, and can redirect."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []
        self.base = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._any)
        return app

    async def _any(self, request: web.Request) -> web.Response:
        self.requests.append({"path": request.path, "authorization": request.headers.get("Authorization", "")})
        if "to" in request.query:
            raise web.HTTPTemporaryRedirect(request.query["to"])
        if request.path.startswith("/v21.0/"):  # a Graph API that hands out a download URL of its choice
            evil = request.path.endswith("/666")  # this id's download URL points at the cloud's metadata service
            return web.json_response({"url": "http://169.254.169.254/x" if evil else f"{self.base}/file"})
        return web.Response(body=b"\x89PNG from elsewhere", content_type="image/png")


@pytest.fixture
async def servers():  # type: ignore[no-untyped-def]
    stub, other = TwilioStub(SID, TOKEN, media_dir=DATA), Elsewhere()
    runner, base = await serve(stub.app())
    other_runner, other.base = await serve(other.app())
    stub.base_url = base
    try:
        yield stub, other
    finally:
        await runner.cleanup()
        await other_runner.cleanup()


def twilio_policy(base: str, **kwargs: str) -> MediaPolicy:
    return MediaPolicy(twilio_base_url=base, twilio_auth=aiohttp.BasicAuth(SID, TOKEN), **kwargs)


async def test_media_download_uses_the_account_credentials_and_limits(servers) -> None:
    stub, _ = servers
    policy = twilio_policy(stub.base_url)
    async with media_session(policy) as session:
        url = f"{stub.base_url}/media/media_list.png"
        data, kind = await fetch_media(url, provider="twilio", session=session, policy=policy, max_bytes=1_000_000)
        assert data == (DATA / "media_list.png").read_bytes() and kind == "image/png"
        wrong = MediaPolicy(twilio_base_url=stub.base_url, twilio_auth=aiohttp.BasicAuth(SID, "wrong"))
        with pytest.raises(MediaRejected, match="gone"):  # the stub hides media from a wrong token
            await fetch_media(url, provider="twilio", session=session, policy=wrong, max_bytes=1_000_000)
        with pytest.raises(MediaRejected, match="larger"):
            await fetch_media(url, provider="twilio", session=session, policy=policy, max_bytes=1000)


async def test_a_twilio_media_url_on_another_host_is_refused_and_gets_no_credentials(servers) -> None:
    stub, other = servers
    policy = twilio_policy(stub.base_url)
    async with media_session(policy) as session:
        with pytest.raises(MediaRejected, match="not twilio's"):
            await fetch_media(f"{other.base}/steal", provider="twilio", session=session, policy=policy,
                              max_bytes=1_000_000)
    assert other.requests == [], "not even asked"


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/iam/", "http://10.0.0.7/x.png", "http://192.168.1.1/x.png",
    "http://[::1]:8080/x.png", "http://[::ffff:127.0.0.1]/x.png", "http://0.0.0.0/x.png", "http://[fe80::1]/x",
])
async def test_private_loopback_and_link_local_addresses_are_never_fetched(url: str) -> None:
    policy = MediaPolicy()
    async with media_session(policy) as session:
        for provider in ("twilio", "meta", "console"):
            with pytest.raises(MediaRejected):
                await fetch_media(url, provider=provider, session=session, policy=policy, max_bytes=1000)


async def test_a_name_that_resolves_to_loopback_is_refused(servers) -> None:
    _, other = servers
    port = other.base.rsplit(":", 1)[1]
    policy = MediaPolicy()
    async with media_session(policy) as session:
        with pytest.raises(MediaRejected, match="not a public address"):
            await fetch_media(f"http://localhost:{port}/x.png", provider="console", session=session, policy=policy,
                              max_bytes=1000)
    assert other.requests == []


async def test_a_redirect_to_loopback_is_refused(servers) -> None:
    _, other = servers
    port = other.base.rsplit(":", 1)[1]
    policy = twilio_policy(other.base)  # `other` is the provider; `localhost` is not
    async with media_session(policy) as session:
        with pytest.raises(MediaRejected, match="not a public address"):
            await fetch_media(f"{other.base}/m?to=http://localhost:{port}/inner", provider="twilio",
                              session=session, policy=policy, max_bytes=1000)
    assert [r["path"] for r in other.requests] == ["/m"]


async def test_a_redirect_to_another_host_carries_no_credentials(servers) -> None:
    stub, other = servers
    # `other` is Twilio's host here; the stub is reachable (configured as the Graph API) but not Twilio's
    policy = twilio_policy(other.base, meta_base_url=stub.base_url)
    async with media_session(policy) as session:
        with pytest.raises(MediaRejected, match="gone"):  # the stub hides media from a request without auth
            await fetch_media(f"{other.base}/r?to={stub.base_url}/media/media_list.png", provider="twilio",
                              session=session, policy=policy, max_bytes=1_000_000)
    assert other.requests[0]["authorization"].startswith("Basic "), "the provider's own host gets them"


async def test_meta_media_on_a_foreign_host_is_refused_and_the_token_stays_home(servers) -> None:
    _, other = servers
    graph_policy = MediaPolicy(meta_base_url=other.base, meta_token="meta-token")
    async with media_session(graph_policy) as session:
        data, _ = await fetch_media("meta-media:123", provider="meta", session=session, policy=graph_policy,
                                    max_bytes=1000)
        assert data == b"\x89PNG from elsewhere"
        assert [r["authorization"] for r in other.requests] == ["Bearer meta-token"] * 2
        with pytest.raises(MediaRejected, match="not meta's"):  # a Graph answer with a link-local URL
            await fetch_media("meta-media:666", provider="meta", session=session, policy=graph_policy,
                              max_bytes=1000)
        with pytest.raises(MediaRejected, match="media id"):  # an id that would change the Graph API path
            await fetch_media("meta-media:../me?fields=x", provider="meta", session=session, policy=graph_policy,
                              max_bytes=1000)
        with pytest.raises(MediaRejected, match="not meta's"):
            await fetch_media("https://example.org/x.png", provider="meta", session=session, policy=graph_policy,
                              max_bytes=1000)


async def test_media_local_paths_only_for_the_console() -> None:
    path = str(DATA / "media_voice.ogg")
    data, _ = await fetch_media(path, provider="console", session=None, max_bytes=100_000)
    assert data[:4] == b"OggS"
    with pytest.raises(MediaRejected, match="http"):
        await fetch_media(path, provider="twilio", session=None, max_bytes=100_000)
    with pytest.raises(MediaRejected, match="larger"):
        await fetch_media(path, provider="console", session=None, max_bytes=100)


@given(st.ip_addresses())
def test_only_global_unicast_addresses_are_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    mapped = getattr(ip, "ipv4_mapped", None)
    real = mapped or ip
    assert is_public(str(ip)) == (real.is_global and not real.is_multicast)
    if real.is_private or real.is_loopback or real.is_link_local:
        assert not is_public(str(ip))
