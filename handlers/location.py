"""A shared location (📎 → Location, on Twilio or the Cloud API) from a retailer or vendor:

    📍 location      -> "Use this as your shop location?" [Yes] [No]
    Yes              -> stored: delivery planning uses it from now on
    No               -> the stored location stays

Whatever the conversation awaited before (a draft's YES, say) is awaited again after the answer.
"""

from __future__ import annotations

from typing import Any

from domain.conversations import Conversation
from domain.interactive import buttons, say
from domain.people import User
from handlers.context import Reply
from handlers.drafting import titles
from handlers.order import is_no, is_yes
from handlers.routing import RETAILER, VENDOR, Priority, Router
from services import UnitOfWork
from services.locations import set_location, shared_point

router = Router("location")
CONFIRM_LOCATION = "location.confirm"
ROLES = (RETAILER, VENDOR)


def _shared(record: Any) -> dict[str, Any] | None:
    if "Latitude" not in record.payload and "Longitude" not in record.payload:
        return None
    return {"point": shared_point(record.payload)}


@router.message(priority=Priority.MEDIA, roles=ROLES, filters=(_shared,))
async def location_shared(reply: Reply, convo: Conversation, point: tuple[float, float] | None) -> None:
    if point is None:
        await reply("location_unreadable")
        return
    before = convo.data.get("before") if convo.state == CONFIRM_LOCATION else {"state": convo.state,
                                                                                 "data": convo.data}
    title = titles(reply)
    await reply("location_confirm", lat=f"{point[0]:.5f}", lon=f"{point[1]:.5f}",
                interactive=buttons((say("YES"), title("button_yes")), (say("NO"), title("button_no"))))
    convo.set(CONFIRM_LOCATION, lat=point[0], lon=point[1], before=before)


@router.state(CONFIRM_LOCATION, roles=ROLES, filters=(is_yes,))
async def location_confirmed(reply: Reply, uow: UnitOfWork, user: User, convo: Conversation) -> None:
    await set_location(uow, user, float(convo.data["lat"]), float(convo.data["lon"]))
    _restore(convo)
    await reply("location_saved")


@router.state(CONFIRM_LOCATION, roles=ROLES, filters=(is_no,))
async def location_declined(reply: Reply, convo: Conversation) -> None:
    _restore(convo)
    await reply("location_kept")


def _restore(convo: Conversation) -> None:
    before = convo.data.get("before") or {}
    convo.set(str(before.get("state") or "idle"), **(before.get("data") or {}))
