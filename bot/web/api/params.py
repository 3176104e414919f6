"""Query parameters of the JSON API, checked strictly: a bad value is a 400 naming the parameter."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from aiohttp import web


class BadParam(ValueError):
    """A request parameter is wrong; the message names it."""


def integer(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    text = request.query.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit()) or len(text) > 19 or not low <= int(text) <= high:
        raise BadParam(f"{name}: expected a whole number from {low} to {high}")
    return int(text)


def text(request: web.Request, name: str, max_length: int = 200) -> str | None:
    """A free-text parameter PostgreSQL can take (no NUL, no lone surrogate), at most `max_length` long."""
    value = request.query.get(name)
    if value is not None and (len(value) > max_length or "\x00" in value or not value.isprintable()):
        raise BadParam(f"{name}: expected printable text of at most {max_length} characters")
    return value


def moment(request: web.Request, name: str, zone: tzinfo, *, end: bool = False) -> datetime | None:
    """An ISO date (local midnight; for an `end`, the midnight after it) or an ISO date-time."""
    text = request.query.get(name)
    if not text:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text) + (timedelta(days=1) if end else timedelta())
            return datetime.combine(day, datetime.min.time(), zone)
        at = datetime.fromisoformat(text)
    except ValueError:
        raise BadParam(f"{name}: expected a date like 2026-11-01 or a date-time with offset") from None
    return at if at.tzinfo else at.replace(tzinfo=zone)


def parse_json(body: bytes) -> Any:
    """A JSON body, read as UTF-8 whatever charset the request claims (RFC 8259); BadParam otherwise."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # bad JSON, bad UTF-8, nesting deeper than the parser goes
        raise BadParam("the body must be JSON") from None


def bad_request(exc: Exception) -> web.Response:
    return web.json_response({"error": str(exc)}, status=400)
