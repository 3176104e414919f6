"""JSON logs; every line written while a message is handled carries that message's id.

Phone numbers are masked to their last 4 digits wherever a log line is written: `PhoneMask` rewrites
each record (message, arguments, extra fields) on the handlers `setup_logging` installs, and the JSON
formatter masks the finished line (tracebacks included).
"""

from __future__ import annotations

import contextvars
import functools
import json
import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

message_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("message_id", default=None)
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
# "+9779800000011", "whatsapp:+977…", or 10–15 digits on their own (not inside an id like SM0000…)
_PHONE = re.compile(r"(?<![\w+])(\+\d{7,15}|\d{10,15})(?![\w])")


# a phone has 7 digits in a row at least: a search for them alone is the cheap first look, and most
# lines (a message handled, a job run) have none once their phone fields are masked
_SEVEN_DIGITS = re.compile(r"\d{7}")


def mask_phones(text: str) -> str:
    """'+9779800000011' -> '+*********0011': every phone number keeps only its last 4 digits."""
    if _SEVEN_DIGITS.search(text) is None:
        return text
    return _PHONE.sub(lambda m: re.sub(r"\d", "*", m.group()[:-4]) + m.group()[-4:], text)


def _masked(value: object) -> object:
    if isinstance(value, str):
        return mask_phones(value)
    if isinstance(value, int) and not isinstance(value, bool) and len(str(abs(value))) >= 10:
        return mask_phones(str(value))
    return value


class PhoneMask(logging.Filter):
    """Masks phone numbers in a record's message, arguments and extra fields, in place."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = record.getMessage()
            record.args = None
        if isinstance(record.msg, str):
            record.msg = mask_phones(record.msg)
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD:
                record.__dict__[key] = _masked(value)
        if record.exc_info:  # formatters reuse this text for the traceback
            record.exc_text = mask_phones(record.exc_text or _PLAIN.formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = mask_phones(record.stack_info)
        return True


_PLAIN = logging.Formatter()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": _timestamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        current = message_id.get()
        if current is not None:
            line["message_id"] = current
        line.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            line["exc"] = record.exc_text or self.formatException(record.exc_info)
        return mask_phones(json.dumps(line, default=str, ensure_ascii=False))


@functools.lru_cache(maxsize=4)
def _second(epoch_second: int) -> str:
    return datetime.fromtimestamp(epoch_second, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _timestamp(created: float) -> str:
    """'2026-12-07T15:07:21.064+00:00' (ISO 8601 to the millisecond, UTC); the second formatted once."""
    second = int(created)
    micro = round((created - second) * 1e6)  # as datetime.fromtimestamp rounds
    if micro >= 1_000_000:
        second, micro = second + 1, micro - 1_000_000
    return f"{_second(second)}.{micro // 1000:03d}+00:00"


def setup_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(PhoneMask())
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
