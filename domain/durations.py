"""Durations as people write them in config and commands: "30s", "15m", "2h", "1d"."""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> timedelta:
    """'15m' -> 15 minutes; accepts s, m, h, d; ValueError otherwise."""
    match = _DURATION.match(str(text))
    if not match:
        raise ValueError(f"expected a duration like 30s, 15m, 2h or 1d, got {text!r}")
    return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2)])
