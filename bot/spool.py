"""A durable local spool for inbound messages the database cannot take right now.

When PostgreSQL is down a webhook must neither answer 200 and lose the message nor keep the provider
retrying for hours: it writes the message here (one file per message, the file and the folder
fsynced before the 200) and `replay` stores the spooled messages through Intake once the database is
back, in arrival order. Intake's provider-id dedupe means a message spooled twice, or spooled after
its row was in fact committed, is stored once. One process replays at a time (a lock file), so several
`serve` processes may share one folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict
from pathlib import Path

from bot.channels.base import InboundMessage, Media

log = logging.getLogger(__name__)
_seq = itertools.count()


class Spool:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def put(self, message: InboundMessage) -> Path:
        """Write `message` durably; the name sorts in arrival order."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns():020d}-{os.getpid():07d}-{next(_seq):06d}.json"
        tmp = self.folder / f".{name}.tmp"
        data = json.dumps(asdict(message), ensure_ascii=False).encode()
        with tmp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        final = self.folder / name
        os.rename(tmp, final)
        self._sync_folder()
        log.warning("message spooled to disk: the database is unavailable",
                    extra={"provider_id": message.provider_id, "spool": str(final)})
        return final

    def has_pending(self) -> bool:
        """Whether any message waits here: asked by every webhook, so it stops at the first file found."""
        try:
            with os.scandir(self.folder) as entries:
                return any(e.name.endswith(".json") and not e.name.startswith(".") for e in entries)
        except FileNotFoundError:
            return False

    def pending(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.glob("*.json") if not p.name.startswith("."))

    @staticmethod
    def load(path: Path) -> InboundMessage:
        raw = json.loads(path.read_bytes())
        raw["media"] = tuple(Media(**m) for m in raw.get("media") or ())
        return InboundMessage(**raw)

    async def replay(self, receive: Callable[[InboundMessage], Awaitable[object]],
                     transient: tuple[type[BaseException], ...] = ()) -> int:
        """Hand every spooled message to `receive` (oldest first), deleting each once it returned.

        A `transient` error (the database is still down) stops the replay and leaves the rest for next
        time; any other error sets that one file aside (`.failed`, logged). Returns how many were
        replayed; does nothing while another process replays."""
        done = 0
        with self._lock() as locked:
            if not locked:
                return 0
            for path in self.pending():
                try:
                    message = self.load(path)
                except (OSError, ValueError, TypeError):
                    log.exception("unreadable spool file set aside", extra={"spool": str(path)})
                    path.rename(path.with_suffix(".bad"))
                    continue
                try:
                    await receive(message)
                except transient:
                    break
                except Exception:
                    log.exception("spooled message could not be stored; set aside", extra={"spool": str(path)})
                    path.rename(path.with_suffix(".failed"))
                    continue
                path.unlink()
                done += 1
            if done:
                self._sync_folder()
                log.info("spooled messages replayed", extra={"count": done})
        return done

    @contextlib.contextmanager
    def _lock(self) -> Iterator[bool]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / ".replay.lock").open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _sync_folder(self) -> None:
        fd = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
