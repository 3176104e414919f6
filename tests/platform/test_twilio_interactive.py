"""Buttons on Twilio: Content API quick-reply templates made on demand (one per distinct content),
sent by ContentSid, tapped back as signed webhooks with ButtonPayload; the stub refuses what Twilio
refuses."""

from __future__ import annotations

from typing import Any

import pytest

from bot.channels.base import OutboundMessage, PermanentSendError
from bot.channels.twilio import TwilioSender
from domain.interactive import Button, Interactive, ListRow, ListSection, buttons, say
from tests.conftest import TEST_ENV
from tests.platform.test_meta_interactive import SITA, with_catalogue_and_vendor
from tests.platform.test_twilio_webhook import RAM, app_client, post_signed  # noqa: F401
from tests.support.signing import twilio_form


@pytest.fixture
async def sender(stub):  # type: ignore[no-untyped-def]
    s = TwilioSender(TEST_ENV["TWILIO_ACCOUNT_SID"], TEST_ENV["TWILIO_AUTH_TOKEN"], "+14155238886", stub.base_url)
    yield s
    await s.close()


async def test_one_template_per_content_and_lists_as_list_pickers(sender, stub) -> None:
    shown = buttons((say("YES"), "Confirm"), (say("NO"), "Cancel"))
    for _ in range(2):
        await sender.send(OutboundMessage(RAM, "Your draft #1", interactive=shown))
    await sender.send(OutboundMessage(RAM, "Your draft #2", interactive=shown))
    listed = Interactive("list", sections=(ListSection("", (ListRow("say:1", "Coke 500 ml", "Rs 60 per bottle"),)),),
                         button_label="Choose")
    await sender.send(OutboundMessage(RAM, "Which coke?", interactive=listed))
    assert len(stub.contents) == 3 and stub.rejected == []
    assert [m.content_sid for m in stub.messages][:2] == [next(iter(stub.contents))] * 2
    picker = list(stub.contents.values())[2]["types"]["twilio/list-picker"]
    assert picker["items"] == [{"id": "say:1", "item": "Coke 500 ml", "description": "Rs 60 per bottle"}]
    assert next(iter(stub.contents.values()))["types"]["twilio/text"]["body"].endswith("1) Confirm\n2) Cancel")


async def test_a_long_body_goes_as_numbered_text(sender, stub) -> None:
    await sender.send(OutboundMessage(RAM, "x\n" * 600, interactive=buttons((say("YES"), "Confirm"))))
    assert stub.contents == {} and stub.messages[0].body.endswith("1) Confirm")


async def test_the_stub_refuses_a_quick_reply_title_over_twenty(sender, stub) -> None:
    # a title past the limit cannot be built; one sneaked past the model is refused by the API as a message error
    shown = buttons((say("YES"), "Confirm"))
    object.__setattr__(shown.buttons[0], "title", "t" * 21)
    with pytest.raises(PermanentSendError):
        await sender.send(OutboundMessage(RAM, "Your draft", interactive=shown))
    assert any("20" in r for r in stub.rejected)
    with pytest.raises(ValueError):
        Button("x", "t" * 21)


def _tap(stub: Any, phone: str, title: str) -> dict[str, str]:
    """The webhook of `phone` tapping `title` under the latest message sent to it."""
    sid = stub.to(phone)[-1].content_sid
    assert sid, stub.to(phone)[-1].body
    (action,) = [a for a in stub.contents[sid]["types"]["twilio/quick-reply"]["actions"] if a["title"] == title]
    return twilio_form(phone, title, ButtonPayload=action["id"], ButtonText=title)


async def test_an_order_goes_from_draft_to_delivered_by_quick_replies(app_client, stub) -> None:  # noqa: F811
    await with_catalogue_and_vendor(app_client)
    await post_signed(app_client, twilio_form(RAM, "5 packet wai wai"))
    await stub.wait_for(1)
    await post_signed(app_client, _tap(stub, RAM, "Confirm"))
    await stub.wait_for(3)
    for count, title in ((5, "Accept"), (7, "Dispatched"), (9, "Delivered")):
        await post_signed(app_client, _tap(stub, SITA, title))
        await stub.wait_for(count)
    bodies = [stub.contents[m.content_sid]["types"]["twilio/text"]["body"] if m.content_sid else m.body
              for m in stub.to(RAM)]
    assert any("Order #1001 was delivered by Sita Traders" in b for b in bodies)
    assert stub.rejected == []
