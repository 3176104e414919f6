"""A location shared on Twilio (Latitude / Longitude form fields) confirmed by a quick reply
(ButtonPayload, signed), then the order it delivers to goes from draft to delivered by quick replies."""

from __future__ import annotations

from bot.appkeys import RUNTIME
from tests.platform.test_meta_interactive import SITA, with_catalogue_and_vendor
from tests.platform.test_twilio_interactive import _tap
from tests.platform.test_twilio_webhook import RAM, app_client, post_signed  # noqa: F401
from tests.support.signing import twilio_form


async def test_location_then_order_by_quick_replies(app_client, stub) -> None:  # noqa: F811
    await with_catalogue_and_vendor(app_client)
    await post_signed(app_client, twilio_form(RAM, "", Latitude="27.6841", Longitude="83.4323",
                                              Address="Traffic Chowk, Butwal"))
    await stub.wait_for(1)
    quick = stub.contents[stub.to(RAM)[-1].content_sid]["types"]["twilio/quick-reply"]
    assert quick["body"].startswith("📍 Use this as your shop location?")
    await post_signed(app_client, _tap(stub, RAM, "Yes"))
    await stub.wait_for(2)
    assert "Saved" in stub.to(RAM)[-1].body
    await post_signed(app_client, twilio_form(RAM, "5 packet wai wai"))
    await stub.wait_for(3)
    await post_signed(app_client, _tap(stub, RAM, "Confirm"))
    await stub.wait_for(5)
    for seen, title in ((7, "Accept"), (9, "Dispatched"), (11, "Delivered")):
        await post_signed(app_client, _tap(stub, SITA, title))
        await stub.wait_for(seen)
    async with app_client.app[RUNTIME].pool.acquire() as conn:
        assert await conn.fetchval("SELECT status FROM orders WHERE id = 1001") == "DELIVERED"
        row = await conn.fetchrow("SELECT lat, lon FROM retailers r JOIN users u ON u.id = r.user_id"
                                  " WHERE u.phone = $1", RAM)
    assert (row["lat"], row["lon"]) == (27.6841, 83.4323) and stub.rejected == []
