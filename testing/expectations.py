"""What one actor should receive in a step: `contains`, `not_contains`, `regex`, `count`, or `none`.

A plain string or list means `contains`; texts compare case-insensitively across all of the actor's
messages of the step. Unless `count: 0`, an expectation also means at least one message arrives.
"""

from __future__ import annotations

import re
from typing import Any

KEYS = {"contains", "not_contains", "regex", "count"}


def expectation_problems(expectation: Any) -> str | None:
    """What is wrong with the expectation as written (None: it is well formed)."""
    if expectation == "none" or isinstance(expectation, str | list):
        return None
    if not isinstance(expectation, dict):
        return f"must be `none`, a text, a list of texts or a mapping of {sorted(KEYS)}"
    if unknown := set(expectation) - KEYS:
        return f"unknown keys {sorted(unknown)} (known: {sorted(KEYS)})"
    if "count" in expectation and not (isinstance(expectation["count"], int) and expectation["count"] >= 0):
        return f"count must be a whole number, got {expectation['count']!r}"
    for pattern in as_list(expectation.get("regex")):
        try:
            re.compile(pattern)
        except re.error as exc:
            return f"regex /{pattern}/: {exc}"
    return None


def unmet(expectation: Any, replies: list[str]) -> list[str]:
    """What is wrong with `replies` against one actor's expectation (empty: all good)."""
    joined = "\n".join(replies)
    if expectation == "none":
        return [f"expected no message, got {len(replies)}"] if replies else []
    if isinstance(expectation, str | list):
        expectation = {"contains": expectation}
    problems = []
    for text in as_list(expectation.get("contains")):
        if str(text).lower() not in joined.lower():
            problems.append(f"expected to contain {text!r}")
    for text in as_list(expectation.get("not_contains")):
        if str(text).lower() in joined.lower():
            problems.append(f"expected not to contain {text!r}")
    for pattern in as_list(expectation.get("regex")):
        if not re.search(pattern, joined, re.IGNORECASE | re.MULTILINE):
            problems.append(f"expected to match /{pattern}/")
    if "count" in expectation and len(replies) != int(expectation["count"]):
        problems.append(f"expected {expectation['count']} message(s), got {len(replies)}")
    if not replies and not problems and expectation.get("count") != 0:
        problems.append("expected a message, got none")
    return problems


def as_list(value: Any) -> list[Any]:
    return [] if value is None else value if isinstance(value, list) else [value]
