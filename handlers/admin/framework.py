"""Slash commands for operators: one registry, strict arguments, clear usage errors, an audit row each.

    router = Router("admin.credit")

    @admin_command(router, "/credit", usage="/credit PHONE|NAME limit AMOUNT",
                   summary="set a retailer's credit limit")
    async def set_limit(args: list[str], reply: Reply, uow: UnitOfWork) -> Audit:
        ...
        return Audit(subject=phone, before={"limit": old}, after={"limit": new})

Raising `UsageError` answers with the command's usage line; the handler's `Audit` (or just the
invocation, or the usage error) is written to the audit log with who and when — by the audit
middleware in bot/middlewares.py, which applies to the commands registered here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from domain.bounds import AMOUNT, MAX_DURATION, OutOfBounds, read_number, read_reference
from handlers.routing import ADMIN, HandlerFunc, Router


class UsageError(ValueError):
    """The command's arguments are wrong; the message says how."""


@dataclass(frozen=True)
class CommandSpec:
    name: str
    usage: str
    summary: str
    roles: frozenset[str] = frozenset({ADMIN})


@dataclass(frozen=True)
class Audit:
    subject: str | None = None
    before: Any = None
    after: Any = None


COMMANDS: dict[str, CommandSpec] = {}


def admin_command(router: Router, name: str, *, usage: str, summary: str,
                  roles: tuple[str, ...] = (ADMIN,)) -> Callable[[HandlerFunc], HandlerFunc]:
    """Register an operator command on `router`, listed by /help; the spec it carries makes the
    dispatcher's audit middleware (bot/middlewares.py) answer its usage errors and audit it."""
    spec = CommandSpec(name, usage, summary, frozenset(roles))
    COMMANDS[name] = spec
    return router.command(name, roles=roles, meta=spec)


# --- argument parsers: each raises UsageError with a message an operator can act on ---

_PERIOD = re.compile(r"^(\d{1,6})\s*([hdw])$")


def parse_period(text: str, default: str = "today") -> tuple[str, timedelta | None]:
    """'today' → ('today', None); '7d' → ('7d', 7 days); '12h', '2w'."""
    text = (text or default).lower()
    if text == "today":
        return text, None
    match = _PERIOD.match(text)
    if not match:
        raise UsageError(f"{text!r} is not a period: use today, 24h, 7d, 30d or 2w")
    unit = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}[match.group(2)]
    span = unit * int(match.group(1))
    if span > MAX_DURATION:
        raise UsageError(f"{text!r} is too long: at most {MAX_DURATION.days}d")
    return text, span


def parse_reference(text: str, what: str = "an order number, like 1042") -> int:
    """An order, claim or ticket number inside the one bound for references."""
    try:
        return read_reference(text)
    except OutOfBounds as exc:
        raise UsageError(f"{text!r} is not {what}") from exc


def parse_order_id(text: str) -> int:
    return parse_reference(text)


def parse_amount(text: str) -> Decimal:
    try:
        return read_number(text, AMOUNT)
    except OutOfBounds as exc:
        raise UsageError(f"{text!r} is not an amount from 0 to {AMOUNT.high:,}") from exc


def require(args: list[str], count: int, at_most: int | None = None) -> None:
    if len(args) < count:
        raise UsageError("missing arguments")
    if at_most is not None and len(args) > at_most:
        raise UsageError("too many arguments")


def rest(args: list[str], start: int) -> str:
    """The words from `start` on, for a free-text last argument (a reason, a note)."""
    return " ".join(args[start:]).strip()
