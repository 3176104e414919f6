"""Conversation handlers, one module per topic, each with its own Router."""

from __future__ import annotations

from handlers import fallback, greeting
from handlers.routing import Router


def routers() -> list[Router]:
    """Routers in the order they are tried within each kind; the first match wins."""
    return [greeting.router, fallback.router]
