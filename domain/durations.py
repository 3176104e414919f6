"""Durations as people write them in config, fixtures and commands: "30s", "15m", "2h", "1d", "1h30m", "2d 4h"."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import ROUND_HALF_EVEN, Decimal

_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
_PART = re.compile(rf"({_NUMBER})\s*([dhms])")
# Number+unit parts, each unit at most once and largest first: "1h30m", "2d 4h", "90s".
_DURATION = re.compile(r"\s*".join(["^", *(rf"(?:{_NUMBER}\s*{unit})?" for unit in _UNIT_SECONDS), "$"]))
_HINT = "expected a duration like 30s, 15m, 2h, 1d or 1h30m"
_MICROSECOND = Decimal("0.000001")
_LONGEST = Decimal(timedelta.max // timedelta(microseconds=1)) / 1_000_000  # seconds, exactly


def parse_duration(text: object) -> timedelta:
    """'15m' -> 15 minutes, '1h30m' or '1h 30m' -> 90 minutes; units d, h, m, s, largest first.

    Anything else (no unit, a unit twice, units out of order, a negative or too long span) is a ValueError.
    """
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        raise ValueError(f"{_HINT}, got {text!r}")
    value = str(text).strip().lower()
    if not _PART.search(value) or not _DURATION.match(value):
        raise ValueError(f"{_HINT}, got {text!r}")
    seconds = sum((Decimal(number) * _UNIT_SECONDS[unit] for number, unit in _PART.findall(value)), Decimal(0))
    if seconds > _LONGEST:  # checked first: quantize() itself fails on numbers past 28 digits
        raise ValueError(f"duration {text!r} is too long (at most {timedelta.max.days} days)")
    return timedelta(microseconds=int(seconds.quantize(_MICROSECOND, ROUND_HALF_EVEN) * 1_000_000))


def looks_like_duration(word: str) -> bool:
    """True when `word` reads as a duration, so a command can tell "1h30m" from the free text after it."""
    try:
        parse_duration(word)
    except ValueError:
        return False
    return True


def format_duration(delta: timedelta) -> str:
    """The compound form parse_duration reads back exactly: 90 minutes -> "1h30m", zero -> "0s"."""
    if delta < timedelta(0):
        raise ValueError(f"a duration cannot be negative, got {delta}")
    remaining = delta // timedelta(microseconds=1)
    parts = []
    for unit, seconds in _UNIT_SECONDS.items():
        count, remaining = divmod(remaining, seconds * 1_000_000)
        if unit == "s" and remaining:
            parts.append(f"{Decimal(count * 1_000_000 + remaining) / 1_000_000:f}s")
        elif count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"
