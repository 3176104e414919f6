"""Photos and voice notes: queued for the worker, and what it read handed back to their sender."""

from __future__ import annotations

from datetime import datetime

from domain.media import MediaJob
from storage.uow import UnitOfWork

JOB_ID_MAX = 2**63 - 1  # media_jobs.id is a bigint


async def queue_media(uow: UnitOfWork, inbound_id: int, phone: str, kind: str, url: str, content_type: str, *,
                      now: datetime) -> bool:
    """Queue one photo or voice note of message `inbound_id`; False when it was queued before."""
    return await uow.media.add(inbound_id, phone, kind, url, content_type, now) is not None


async def wake_workers(uow: UnitOfWork, inbound_id: int) -> None:
    """Tell listening workers that message `inbound_id` brought media (once this transaction commits)."""
    await uow.media.wake_workers(inbound_id)


async def reading_for(uow: UnitOfWork, job_id: int, phone: str) -> MediaJob | None:
    """The job's reading, for its sender only: another's job, a failed one or none at all is None."""
    job = await uow.media.get(job_id) if job_id <= JOB_ID_MAX else None
    if job is None or job.phone != phone or job.status == "failed":
        return None
    return job
