"""Photos and voice notes: acknowledged at once, read in the worker, then ordered like typed text.

    📷 photo of a list      -> "Reading your photo…"; jobs/media.py runs OCR and hands the text back
    🎤 voice note           -> "Listening to your voice note…"; jobs/media.py transcribes it
    (text back from a job)  -> the draft, as for a typed order, with the lines that could not be read;
                               an unsure transcript is first read back ("I heard: …  YES?")

The job hands its result back as an inbound message of provider "media" whose button payload is
"media:<job id>", so it is handled in the sender's conversation order like any other message. Only
the sender of the photo or voice note hears what was read from it: a payload naming another's job is
answered as a job that failed.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any

from domain.bounds import read_reference
from domain.media import MediaJob, media_kind
from handlers.context import Reply, Turn
from handlers.drafting import CHOOSE, CONFIRM, QUANTITY
from handlers.order import NO, YES, take_order
from handlers.routing import RETAILER, Priority, Router
from nlu.normalize import prepare
from services import UnitOfWork
from services.media import queue_media, reading_for, wake_workers

log = logging.getLogger(__name__)
router = Router("media")

MAX_ITEMS = 3                       # media per message that are read
HEARD = "media.confirm_transcript"  # awaiting YES to a transcript read back
PAYLOAD = re.compile(r"^media:(\d+)$")


def _has_media(turn: Turn) -> bool:
    return bool(turn.media)


def _media_result(turn: Turn) -> dict[str, int] | None:
    match = PAYLOAD.match(turn.button_payload or "")
    return {"job_id": read_reference(match.group(1))} if match else None


@router.message(priority=Priority.MEDIA, roles=(RETAILER,), filters=(_has_media,))
async def receive_media(reply: Reply, uow: UnitOfWork, turn: Turn, now: datetime, redis: Any) -> None:
    """Queue the photos and voice notes for the worker and say so; other files get a clear answer."""
    queued = []
    for item in turn.media[:MAX_ITEMS]:
        kind = media_kind(item.get("content_type", ""))
        if kind and await queue_media(uow, turn.message_id, turn.phone, kind, item["url"],
                                      item.get("content_type", ""), now=now):
            queued.append(kind)
    if not queued:
        types = ", ".join(sorted({m.get("content_type") or "unknown" for m in turn.media}))
        await reply("media_unsupported", types=types)
        return
    await reply("media_reading_photo" if "image" in queued else "media_listening")
    await wake_workers(uow, turn.message_id)
    await _enqueue(redis, turn.message_id)


async def _enqueue(redis: Any, message_id: int) -> None:
    """Wake an arq worker soon (after this transaction commits); the periodic sweep is the safety net."""
    if redis is None:
        return
    try:
        from arq.connections import ArqRedis

        await ArqRedis(connection_pool=redis.connection_pool).enqueue_job(
            "process_media", _job_id=f"media:{message_id}", _defer_by=timedelta(seconds=1))
    except Exception:  # Redis down: the periodic sweep picks the job up
        log.warning("could not enqueue media processing", exc_info=True)


@router.message(priority=Priority.MEDIA, roles=(RETAILER,), filters=(_media_result,))
async def media_result(reply: Reply, uow: UnitOfWork, user: Any, convo: Any, turn: Turn, now: datetime,
                       config: Any, nlu: Any, job_id: int) -> None:
    """The worker's text: read back an unsure transcript, otherwise build the draft from it."""
    job = await reading_for(uow, job_id, turn.phone)
    if job is None:  # failed, or another's job: as if none
        await reply("media_failed")
        return
    lines = [line for line in (job.lines or (job.text or "").splitlines()) if line.strip()]
    if not lines:
        await reply("media_nothing_read")
        return
    if job.kind == "audio" and (job.confidence or 0) < config.media.confirm_below:
        await reply("media_heard", text=" / ".join(lines))
        convo.set(HEARD, job_id=job.id, lines=lines)
        return
    await order_from_lines(reply, uow, user, convo, turn, now, config, nlu, lines, job)


@router.state(HEARD, roles=(RETAILER,), filters=(lambda turn: bool(YES.match(turn.text)),))
async def transcript_confirmed(reply: Reply, uow: UnitOfWork, user: Any, convo: Any, turn: Turn, now: datetime,
                               config: Any, nlu: Any) -> None:
    lines = list(convo.data.get("lines", []))
    convo.reset()
    await order_from_lines(reply, uow, user, convo, turn, now, config, nlu, lines, None)


@router.state(HEARD, roles=(RETAILER,), filters=(lambda turn: bool(NO.match(turn.text)),))
async def transcript_rejected(reply: Reply, convo: Any) -> None:
    convo.reset()
    await reply("media_heard_no")


async def order_from_lines(reply: Reply, uow: UnitOfWork, user: Any, convo: Any, turn: Turn, now: datetime,
                           config: Any, nlu: Any, lines: list[str], job: MediaJob | None) -> None:
    """Each line through the item parser; lines with no product are listed, the rest make the draft."""
    items, unread = [], []
    for line in lines:
        found = [i for i in nlu.pipeline.items(prepare(line)) if i.sku or i.ambiguous]
        if found:
            items.extend(found)
        else:
            unread.append(line)
    if unread and items:
        await reply("media_unread_lines", lines="\n".join(f"• {line}" for line in unread))
    if not items:
        await reply("media_no_items", lines="\n".join(f"• {line}" for line in lines[:10]))
        return
    if convo.state in (CONFIRM, CHOOSE, QUANTITY, HEARD):
        convo.reset()
    await take_order(reply, uow, user, convo, items, turn, now, config)
