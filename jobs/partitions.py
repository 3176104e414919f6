"""Daily: make the coming months' partitions, archive and drop the months past retention."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from domain.retention import month_start, retention_cutoff
from storage.partitions import archive_and_drop, ensure_months, expired

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent  # a relative archive_dir is under the repository


async def maintain_partitions(ctx: dict[str, Any]) -> dict[str, Any]:
    settings, now = ctx["config"].retention, ctx["clock"].now()
    folder = ROOT / settings.archive_dir
    archived = []
    async with ctx["pool"].acquire() as conn:
        async with conn.transaction():
            made = await ensure_months(conn, now, month_start(now, -settings.months_ahead))
        for partition in await expired(conn, retention_cutoff(now, settings.months)):
            done = await archive_and_drop(conn, partition, folder)
            log.info("partition archived", extra={"partition": partition.name, "rows": done.rows,
                                                  "path": str(done.path)})
            archived.append(partition.name)
    return {"made": made, "archived": archived}
