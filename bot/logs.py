"""JSON logs; every line written while a message is handled carries that message's id."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

message_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("message_id", default=None)
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        current = message_id.get()
        if current is not None:
            line["message_id"] = current
        line.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def setup_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("aiohttp.access", "twilio", "arq.worker", "arq.jobs", "pgserver"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


@contextmanager
def handling(message: int) -> Iterator[None]:
    token = message_id.set(message)
    try:
        yield
    finally:
        message_id.reset(token)
