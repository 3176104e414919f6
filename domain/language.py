"""The language a person is addressed in."""

from __future__ import annotations


def language_for(chosen: str | None, written: str | None, default: str) -> str:
    """The one rule: the language they chose, else the one they last wrote in (when that was clear),
    else the default."""
    return chosen or written or default
