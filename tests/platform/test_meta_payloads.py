"""Meta Cloud API contract: every real webhook sample (pywa's test data, MIT) parses or is ignored;
signatures; MetaSender's request bodies and error classes against a local Graph API stub."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.channels.base import Media, OutboundMessage, PermanentSendError, SenderAuthError, TransientSendError
from bot.channels.meta import BadPayload, is_valid_signature, parse_webhook, signature_header
from bot.channels.meta_sender import MetaSender, build_payload
from tests.support.graph_stub import GraphStub

DATA = Path(__file__).resolve().parent.parent / "data" / "meta"
SAMPLES = {(path.stem, key): payload for path in sorted(DATA.glob("*.json"))
           for key, payload in json.loads(path.read_text()).items()}
USER, WAMID = "+972987654321", "wamid.xyzxyz"
OPUS = "audio/ogg; codecs=opus"

# (file, sample) -> (provider_id, text, button_payload, media, extra beyond WaId)
MESSAGES = {
    ("message", "text"): (WAMID, "Body Text", None, (), {}),
    ("message", "image"): (WAMID, "", None, (Media("meta-media:65463453", "image/jpeg"),), {}),
    ("message", "media_with_url"): (WAMID, "", None, (Media("meta-media:65463453", "image/jpeg"),), {}),
    ("message", "video"): (WAMID, "caption", None, (Media("meta-media:765756756", "video/mp4"),), {}),
    ("message", "document"): (WAMID, "caption", None,
                              (Media("meta-media:1234567890987654321", "application/pdf"),),
                              {"Filename": "filename.pdf"}),
    ("message", "audio"): (WAMID, "", None, (Media("meta-media:1234567890987654321", OPUS),), {"Voice": False}),
    ("message", "voice"): (WAMID, "", None, (Media("meta-media:1234567890987654321", OPUS),), {"Voice": True}),
    ("message", "current_location"): (WAMID, "", None, (), {"Latitude": "12.25089", "Longitude": "43.90539"}),
    ("message", "chosen_location"): (WAMID, "", None, (), {
        "Latitude": "37.4611978", "Longitude": "-122.2164385", "Name": "Facebook HQ",
        "Address": "1 Hacker Way, Menlo Park, CA 94025"}),
    ("message", "reply"): (WAMID, "replied text", None, (), {}),
    ("message", "forwarded"): (WAMID, "forwarded text", None, (), {}),
    ("message", "forwarded_many_times"): (WAMID, "text forwarded many times", None, (), {}),
    ("message", "referral"): ("wamid.ID", "BODY", None, (), {}),
    ("callback_button", "button"): (WAMID, "title", "callback_data", (), {"ButtonText": "title"}),
    ("callback_button", "quick_reply"): ("wamid.xsidjw", "title", "callback_data", (), {"ButtonText": "title"}),
    ("callback_button", "quick_reply_without_context"): ("wamid.xsidjx", "title", "callback_data", (),
                                                         {"ButtonText": "title"}),
    ("callback_selection", "callback"): ("wamid.zyzxyz", "title", "callback_data", (), {"ButtonText": "title"}),
    ("callback_selection", "description"): ("wamid.zyzxyz", "title", "callback_data", (), {"ButtonText": "title"}),
    # the kinds answered by handlers/message_kinds.py and handlers/catalogue.py (bot/channels/meta_kinds.py)
    ("message", "static_sticker"): (WAMID, "", None, (), {"Kind": "sticker"}),
    ("message", "animated_sticker"): (WAMID, "", None, (), {"Kind": "sticker"}),
    ("message", "reaction"): (WAMID, "", None, (), {"Kind": "reaction", "ReactedTo": "wamid.yzxyzx=", "Emoji": "😮"}),
    ("message", "unreaction_empty"): (WAMID, "", None, (), {"Kind": "reaction", "ReactedTo": "wamid.yzxyzx=",
                                                            "Emoji": ""}),
    ("message", "unreaction_no_emoji"): (WAMID, "", None, (), {"Kind": "reaction", "ReactedTo": "wamid.yzxyzx=",
                                                               "Emoji": ""}),
    ("message", "contacts"): (WAMID, "", None, (), {"Kind": "contacts"}),
    ("message", "unsupported"): (WAMID, "", None, (), {"Kind": "unsupported"}),
    ("message", "unsupported_with_type"): (WAMID, "", None, (), {"Kind": "unsupported"}),
    ("message", "order"): (WAMID, "", None, (), {"Kind": "order", "CatalogId": "354160437058781", "OrderItems": [
        {"sku": "HAMBURGER", "quantity": 3}, {"sku": "FRENCH_FRIES", "quantity": 2}, {"sku": "SODA", "quantity": 2}]}),
}
# (file, sample) -> (wamid, status, error, biz_opaque_callback_data)
STATUSES = {
    ("message_status", "sent"): (WAMID, "sent", None, None),
    ("message_status", "delivered"): (WAMID, "delivered", None, None),
    ("message_status", "read"): (WAMID, "read", None, None),
    ("message_status", "played"): (WAMID, "played", None, None),
    ("message_status", "failed"): (WAMID, "failed", "130472 User's number is part of an experiment", None),
    ("message_status", "with_tracker"): (WAMID, "sent", None, "some data"),
    ("message_status", "group"): ("<WHATSAPP_MESSAGE_ID>", "read", None, None),
}
EDITED = ("edited_message", "image")  # from another number than the other samples
IGNORED = set(SAMPLES) - set(MESSAGES) - set(STATUSES) - {EDITED}


def test_the_samples_are_all_here_and_each_is_classified() -> None:
    assert len(SAMPLES) == 74 and (DATA / "LICENSE").is_file()
    assert set(MESSAGES) | set(STATUSES) <= set(SAMPLES)
    # what Khaacho deliberately does not act on, named so that a new sample cannot slip through
    assert {name for _, name in IGNORED if _ == "message"} == {"interactive_message_with_err"}


def test_an_edit_is_the_edited_message_naming_its_original() -> None:
    (message,) = parse_webhook(SAMPLES[EDITED]).messages
    assert (message.phone, message.text, message.media) == (
        "+16505551234", "Updated image caption", (Media("meta-media:1234567890", "image/jpeg"),))
    assert message.provider_id == "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA="
    assert message.extra["Edits"] == "wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA="


@pytest.mark.parametrize("sample", sorted(MESSAGES), ids="/".join)
def test_message_samples_parse_to_inbound_messages(sample: tuple[str, str]) -> None:
    update = parse_webhook(SAMPLES[sample])
    assert update.statuses == [] and update.ignored == 0
    (message,) = update.messages
    provider_id, text, payload, media, extra = MESSAGES[sample]
    assert (message.provider, message.provider_id, message.phone) == ("meta", provider_id, USER)
    assert (message.text, message.button_payload, message.media) == (text, payload, media)
    assert message.extra == {"WaId": USER[1:], **extra}


def test_the_profile_name_comes_from_the_contacts_block() -> None:
    (message,) = parse_webhook(SAMPLES[("message", "text")]).messages
    assert message.profile_name == "Test Name"


@pytest.mark.parametrize("sample", sorted(STATUSES), ids="/".join)
def test_status_samples_parse_to_status_updates(sample: tuple[str, str]) -> None:
    update = parse_webhook(SAMPLES[sample])
    assert update.messages == []
    (status,) = update.statuses
    assert (status.provider_id, status.status, status.error, status.callback_data) == STATUSES[sample]


@pytest.mark.parametrize("sample", sorted(IGNORED), ids="/".join)
def test_other_samples_are_ignored_without_error(sample: tuple[str, str]) -> None:
    update = parse_webhook(SAMPLES[sample])
    assert (update.messages, update.statuses) == ([], [])
    assert update.ignored >= 1


def test_changes_for_another_business_number_are_skipped() -> None:
    sample = SAMPLES[("message", "text")]
    assert parse_webhook(sample, "1122334455667").messages
    assert parse_webhook(sample, "999").messages == []


@pytest.mark.parametrize("payload", [
    [], {"object": "page", "entry": []}, {"object": "whatsapp_business_account"},
    {"object": "whatsapp_business_account", "entry": [{"changes": "x"}]},
    {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": {
        "messages": [{"type": "text", "text": {"body": "no id, no from"}}]}}]}]},
    {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": {
        "statuses": [{"id": "wamid.1"}]}}]}]},
])
def test_malformed_envelopes_raise_bad_payload(payload: object) -> None:
    with pytest.raises(BadPayload):
        parse_webhook(payload)


def test_signature_is_hmac_sha256_of_the_raw_body() -> None:
    body = json.dumps(SAMPLES[("message", "text")]).encode()
    good = signature_header("app-secret", body)
    assert good.startswith("sha256=") and len(good) == 7 + 64
    assert is_valid_signature("app-secret", body, good)
    assert not is_valid_signature("other-secret", body, good)
    assert not is_valid_signature("app-secret", body + b" ", good)
    assert not is_valid_signature("app-secret", body, good.removeprefix("sha256="))
    assert not is_valid_signature("app-secret", body, "")
    assert not is_valid_signature("", body, signature_header("", body))  # no secret configured: refuse


def test_request_bodies_for_text_media_and_templates() -> None:
    text = build_payload(OutboundMessage("+9779800000001", "namaste", ref="42"))
    assert text == {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "9779800000001",
                    "biz_opaque_callback_data": "42", "type": "text",
                    "text": {"body": "namaste", "preview_url": False}}
    photo = build_payload(OutboundMessage("+9779800000001", "your list", "https://x.test/a/list.png"))
    assert photo["type"] == "image" and photo["image"] == {"link": "https://x.test/a/list.png", "caption": "your list"}
    sheet = build_payload(OutboundMessage("+9779800000001", "export", "https://x.test/d/orders.csv?sig=1"))
    assert sheet["document"] == {"link": "https://x.test/d/orders.csv?sig=1", "caption": "export",
                                 "filename": "orders.csv"}
    template = build_payload(OutboundMessage("+9779800000001", "fallback body", template={
        "sid": "reorder_reminder", "language": "ne", "variables": {"2": "#7", "1": "Ram", "10": "x"}}))
    assert template["type"] == "template" and "text" not in template
    assert template["template"] == {"name": "reorder_reminder", "language": {"code": "ne"}, "components": [
        {"type": "body", "parameters": [{"type": "text", "text": "Ram"}, {"type": "text", "text": "#7"},
                                        {"type": "text", "text": "x"}]}]}
    named = build_payload(OutboundMessage("+1", "", template={"name": "t", "variables": '{"shop": "Ram"}'}))
    assert named["template"]["language"] == {"code": "en"}
    assert named["template"]["components"][0]["parameters"] == [
        {"type": "text", "parameter_name": "shop", "text": "Ram"}]
    with pytest.raises(PermanentSendError):
        build_payload(OutboundMessage("+1", "", template={"variables": {}}))


@pytest.fixture
async def graph(aiohttp_server):  # type: ignore[no-untyped-def]
    stub = GraphStub("meta-token", "1122334455667")
    server = await aiohttp_server(stub.app())
    stub.base_url = str(server.make_url("")).rstrip("/")
    return stub


async def test_sender_posts_with_the_bearer_token_and_returns_the_wamid(graph: GraphStub) -> None:
    sender = MetaSender("meta-token", "1122334455667", graph.base_url)
    try:
        result = await sender.send(OutboundMessage("+9779800000001", "namaste", ref="5"))
    finally:
        await sender.close()
    assert (result.sid, result.status) == ("wamid.STUB000001", "accepted")
    assert graph.rejected == [] and graph.messages[0]["text"]["body"] == "namaste"
    assert await MetaSender("t", "1").find_sent(OutboundMessage("+1", "x"), 0.0) is None


@pytest.mark.parametrize(("status", "code", "error"), [
    (429, 130429, TransientSendError), (500, 1, TransientSendError), (503, 2, TransientSendError),
    (400, 130429, TransientSendError),   # throttling reported as 400 by the Graph API
    (400, 131026, PermanentSendError),   # message undeliverable
    (400, 132001, PermanentSendError),   # template does not exist
    (403, 200, SenderAuthError),         # the token lost its permission: no message can go out
])
async def test_failures_are_classified(graph: GraphStub, status: int, code: int, error: type) -> None:
    graph.fail_next.append((status, {"message": "stub failure", "code": code}))
    sender = MetaSender("meta-token", "1122334455667", graph.base_url)
    try:
        with pytest.raises(error) as raised:
            await sender.send(OutboundMessage("+9779800000001", "hello"))
    finally:
        await sender.close()
    if status == 429:
        assert raised.value.retry_after == 7.0
    assert graph.messages == []


async def test_a_wrong_token_stops_the_sender_and_an_unreachable_api_is_transient(graph: GraphStub) -> None:
    sender = MetaSender("wrong-token", "1122334455667", graph.base_url)
    with pytest.raises(SenderAuthError, match="190"):
        await sender.send(OutboundMessage("+9779800000001", "hello"))
    await sender.close()
    assert graph.rejected == ["bad bearer token"]
    down = MetaSender("meta-token", "1122334455667", "http://127.0.0.1:9")
    with pytest.raises(TransientSendError):
        await down.send(OutboundMessage("+9779800000001", "hello"))
    await down.close()


async def test_inbound_media_ids_are_downloaded_through_the_graph_api(graph: GraphStub) -> None:
    from jobs.media_fetch import MediaPolicy, MediaRejected, fetch_media, media_session

    graph.media["65463453"] = (b"\x89PNG fake image", "image/png")
    (message,) = parse_webhook(SAMPLES[("message", "image")]).messages
    policy = MediaPolicy(meta_base_url=graph.base_url, meta_token="meta-token")
    async with media_session(policy) as session:
        data, served = await fetch_media(message.media[0].url, provider="meta", session=session, policy=policy,
                                         max_bytes=1000)
        assert (data, served) == (b"\x89PNG fake image", "image/png")
        with pytest.raises(MediaRejected, match="HTTP 404"):
            await fetch_media("meta-media:999", provider="meta", session=session, policy=policy, max_bytes=1000)
    assert graph.rejected == []
