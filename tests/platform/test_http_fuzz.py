"""Fuzzing every public route (a short run; bench/fuzz_http.py runs 100,000 against `khaacho serve`)."""

from __future__ import annotations

import contextlib
import dataclasses
import random
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.appkeys import RUNTIME
from bot.channels.base import InboundMessage, storable
from bot.channels.meta import BadPayload as BadMetaPayload
from bot.channels.meta import parse_webhook
from bot.channels.twilio import BadPayload, parse_inbound
from bot.config import MetaChannelConfig
from services import UnitOfWork
from services.ops.apikeys import create_key
from tests.conftest import TEST_ENV, make_config
from tests.support.app_harness import serving
from tests.support.http_fuzz import FuzzKeys, FuzzRequest, RequestFuzzer, fire

PUBLIC, META_SECRET = "https://bot.example.com", "fuzz-meta-secret"
RAM, ADMIN = "+9779800000001", "+9779800000000"


@pytest.fixture
async def fuzz_target(aiohttp_client, stub):  # type: ignore[no-untyped-def]
    config = make_config(TWILIO_API_BASE_URL=stub.base_url, PUBLIC_BASE_URL=PUBLIC, META_APP_SECRET=META_SECRET,
                         META_VERIFY_TOKEN="verify", KHAACHO_SECRET_KEY="fuzz-link-secret")
    config = dataclasses.replace(config, channels=dataclasses.replace(
        config.channels, meta=MetaChannelConfig(enabled=True)))
    async with serving(aiohttp_client, config, (RAM, "Ram Kirana")) as client:
        async with UnitOfWork(client.app[RUNTIME].pool) as uow:
            _, key = await create_key(uow, "fuzz", datetime.now(UTC))
        client.keys = FuzzKeys(TEST_ENV["TWILIO_AUTH_TOKEN"], PUBLIC, META_SECRET, key, [RAM, ADMIN])
        yield client


async def _run(client: Any, requests: list[FuzzRequest]) -> tuple[Counter[int], list[tuple[FuzzRequest, int]]]:
    statuses: Counter[int] = Counter()
    errors = []
    base = str(client.make_url(""))
    async with aiohttp.ClientSession() as http:
        for request in requests:
            status = await fire(http, base, request)
            statuses[status] += 1
            if status >= 500 or (status == 0 and request.kind != "big"):
                errors.append((request, status))
    await client.app[RUNTIME].intake.drain()
    return statuses, errors


async def test_fuzzed_requests_never_get_a_server_error(fuzz_target) -> None:
    fuzzer = RequestFuzzer(random.Random(20261), fuzz_target.keys)
    statuses, errors = await _run(fuzz_target, [fuzzer.next() for _ in range(700)])
    assert errors == [], errors[:5]
    assert statuses[200] > 50 and statuses[400] > 50 and statuses[403] > 10, statuses  # it reached past the checks
    assert (await fuzz_target.get("/health")).status in (200, 503)


async def test_ten_megabyte_bodies_get_413(fuzz_target) -> None:
    fuzzer = RequestFuzzer(random.Random(7), fuzz_target.keys)
    statuses, errors = await _run(fuzz_target, [fuzzer.big() for _ in range(4)])
    assert set(statuses) <= {413, 0} and errors == [], statuses


@pytest.mark.parametrize(("path", "body", "ctype"), [
    ("/webhooks/twilio", b"From=whatsapp%3A%2B9779800000001&MessageSid=SM1", "application/x-www-form-urlencoded; "
                                                                             "charset=klingon"),
    ("/webhooks/meta", b"[" * 20_000, "application/json"),
    ("/webhooks/meta", b'{"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", '
                       b'"value": {"metadata": [1], "contacts": 7, "messages": []}}]}]}', "application/json"),
    ("/webhooks/meta", b'{"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", '
                       b'"value": {"contacts": [{"wa_id": "1", "profile": "x"}]}}]}]}', "application/json"),
])
async def test_found_by_fuzzing_malformed_bodies_are_400_not_500(fuzz_target, path, body, ctype) -> None:
    from bot.channels.meta import signature_header
    from tests.support.signing import sign

    headers = {"Content-Type": ctype, "X-Hub-Signature-256": signature_header(META_SECRET, body),
               "X-Twilio-Signature": sign(TEST_ENV["TWILIO_AUTH_TOKEN"], PUBLIC + path, {})}
    response = await fuzz_target.post(path, data=body, headers=headers)
    assert response.status < 500


@pytest.mark.parametrize("body", [b"[]", b'{"from": "2026-01-01"}', b"[" * 20_000])
async def test_found_by_fuzzing_an_export_body_with_an_unknown_charset_is_400(fuzz_target, body) -> None:
    response = await fuzz_target.post("/api/v1/exports", data=body, headers={
        "Content-Type": "application/json; charset=klingon", "Authorization": f"Bearer {fuzz_target.keys.api_key}"})
    assert response.status in (400, 201)


@pytest.mark.parametrize("query", ["retailer=%00", "vendor=%ED%A0%80", "limit=" + "1" * 5000, "limit=%C2%B2",
                                   "cursor=" + "9" * 40, "retailer=" + "x" * 500])
async def test_found_by_fuzzing_odd_order_filters_are_400(fuzz_target, query) -> None:
    async with aiohttp.ClientSession() as http:
        request = FuzzRequest("api", "GET", "/api/v1/orders?" + query,
                              {"Authorization": f"Bearer {fuzz_target.keys.api_key}"})
        assert await fire(http, str(fuzz_target.make_url("")), request) == 400


@pytest.mark.parametrize("period", ["999999999d", "99999999999999999999w", "3661d"])
async def test_found_by_fuzzing_a_dashboard_period_beyond_the_calendar_is_400(fuzz_target, period) -> None:
    response = await fuzz_target.get("/api/v1/admin/dashboard", params={"period": period},
                                     headers={"Authorization": f"Bearer {fuzz_target.keys.api_key}"})
    assert response.status == 400


async def test_found_by_fuzzing_a_non_ascii_meta_signature_is_403(fuzz_target) -> None:
    response = await fuzz_target.post("/webhooks/meta", data=b"{}", headers={
        "Content-Type": "application/json", "X-Hub-Signature-256": "sha256=" + "\u00e9" * 64})
    assert response.status == 403


@pytest.mark.parametrize("token", ["a." + "9" * 5000 + ".c", "b3JkZXJzLmNzdg.%C2%B2.sig", "%C3%A9.1.%C3%A9"])
async def test_found_by_fuzzing_odd_download_tokens_are_404(fuzz_target, token) -> None:
    async with aiohttp.ClientSession() as http:
        request = FuzzRequest("download", "GET", "/downloads/" + token, {})
        assert await fire(http, str(fuzz_target.make_url("")), request) == 404


async def test_found_by_fuzzing_nul_and_lone_surrogates_are_stored(fuzz_target) -> None:
    """PostgreSQL refuses NUL in text and jsonb; the message is kept without it."""
    from bot.channels.meta import signature_header
    from tests.support.signing import sign

    form = {"MessageSid": "SM" + "e" * 32, "From": f"whatsapp:{RAM}", "Body": "chi\x00ni", "ProfileName": "R\x00am",
            "NumMedia": "0"}
    url = PUBLIC + "/webhooks/twilio"
    response = await fuzz_target.post("/webhooks/twilio", data=form,
                                      headers={"X-Twilio-Signature": sign(TEST_ENV["TWILIO_AUTH_TOKEN"], url, form)})
    assert response.status == 200
    body = (b'{"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": '
            b'{"messages": [{"id": "wamid.X1", "from": "9779800000001", "type": "text", '
            b'"text": {"body": "\\ud800 chini \\u0000"}}]}}]}]}')
    meta = await fuzz_target.post("/webhooks/meta", data=body, headers={
        "Content-Type": "application/json", "X-Hub-Signature-256": signature_header(META_SECRET, body)})
    assert meta.status == 200
    await fuzz_target.app[RUNTIME].intake.drain()
    async with fuzz_target.app[RUNTIME].pool.acquire() as conn:
        bodies = sorted(await conn.fetchval("SELECT array_agg(body) FROM inbound_messages"))
    assert bodies == ["? chini ", "chini"]


@given(st.dictionaries(st.sampled_from(["MessageSid", "From", "Body", "NumMedia", "MediaUrl0", "MediaUrl1",
                                        "MediaContentType0", "ButtonPayload", "WaId", "SmsMessageSid"]) | st.text(),
                       st.text() | st.sampled_from(["whatsapp:+9779800000001", "2", "-1", "11", "٣", "10"])))
@settings(max_examples=400, deadline=None)
def test_twilio_parsing_gives_a_message_or_bad_payload(form: dict[str, str]) -> None:
    try:
        message = parse_inbound(form)
    except BadPayload:
        return
    assert isinstance(message, InboundMessage) and len(message.media) <= 10
    assert "\x00" not in message.text


_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                     max_leaves=30)
_keys = st.sampled_from(["object", "entry", "changes", "field", "value", "messages", "statuses", "contacts", "id",
                         "from", "type", "text", "body", "metadata", "profile", "wa_id", "errors", "status"])


@given(st.recursive(_json, lambda inner: st.dictionaries(_keys, inner, max_size=5) | st.lists(inner, max_size=3),
                    max_leaves=40).map(lambda v: {"object": "whatsapp_business_account", "entry": v}
                                       if not isinstance(v, dict) else {**v, "object": "whatsapp_business_account"}))
@settings(max_examples=400, deadline=None)
def test_meta_parsing_gives_messages_or_bad_payload(payload: dict[str, Any]) -> None:
    with contextlib.suppress(BadMetaPayload):
        parse_webhook(payload)


@given(st.text())
def test_storable_text_encodes_and_has_no_nul(text: str) -> None:
    out = storable(text)
    out.encode("utf-8")
    assert "\x00" not in out
    assert out == text or "\x00" in text or any(0xD800 <= ord(c) <= 0xDFFF for c in text)
