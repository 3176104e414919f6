"""What runs around each message and around each handler, as ordered chains of middlewares.

A turn middleware wraps the handling of one message, filters included (a filter may read a number
past its bound); a handler middleware wraps the one handler that matched:

    async def turn_mw(deps, call_next) -> str               # returns the name of who answered
    async def handler_mw(handler, deps, call_next) -> Any   # returns what the handler returned

`deps` are the dependencies of the message (turn, reply, uow, convo, now, … — for a handler also the
values its filters produced); a middleware may add to them before `call_next()` runs the rest of the
chain. The first middleware of a list is the outermost.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal
from typing import Any

from bot.logs import handling
from domain.bounds import OutOfBounds
from handlers.admin.framework import Audit, CommandSpec, UsageError
from handlers.routing import Handler

log = logging.getLogger(__name__)

Next = Callable[[], Awaitable[Any]]
TurnMiddleware = Callable[[dict[str, Any], Next], Awaitable[str]]
HandlerMiddleware = Callable[[Handler, dict[str, Any], Next], Awaitable[Any]]


async def run_turn(middlewares: Sequence[TurnMiddleware], deps: dict[str, Any],
                   innermost: Callable[[dict[str, Any]], Awaitable[str]]) -> str:
    """`middlewares` around `innermost(deps)`, the first outermost."""
    async def step(i: int) -> str:
        if i == len(middlewares):
            return await innermost(deps)
        return await middlewares[i](deps, lambda: step(i + 1))
    return await step(0)


async def run_handler(middlewares: Sequence[HandlerMiddleware], handler: Handler, deps: dict[str, Any]) -> Any:
    """`middlewares` around `handler.call(deps)`, the first outermost."""
    async def step(i: int) -> Any:
        if i == len(middlewares):
            return await handler.call(deps)
        return await middlewares[i](handler, deps, lambda: step(i + 1))
    return await step(0)


# --- around the turn ---

async def log_handling(deps: dict[str, Any], call_next: Next) -> str:
    """Every line logged while the message is handled carries its id; the last says who answered."""
    record = deps["record"]
    with handling(record.id):
        answered_by: str = await call_next()
        log.info("message handled", extra={"handler": answered_by, "phone": record.phone})
    return answered_by


async def save_conversation(deps: dict[str, Any], call_next: Next) -> str:
    """The conversation as the turn left it is saved in the message's unit of work (by the statement
    that marks the message handled, or at commit)."""
    answered_by: str = await call_next()
    deps["uow"].save_conversation(deps["convo"], deps["now"])
    return answered_by


async def reply_out_of_bounds(deps: dict[str, Any], call_next: Next) -> str:
    """A number past its bound, read by a filter or a handler: the conversation is put back as it was
    and the sender told the bound (`bound_<key>`)."""
    convo = deps["convo"]
    awaited = (convo.state, copy.deepcopy(convo.data), convo.language)
    try:
        answered_by: str = await call_next()
    except OutOfBounds as exc:
        convo.state, convo.data, convo.language = awaited
        await deps["reply"](f"bound_{exc.bound.key}", low=_figure(exc.bound.low), high=_figure(exc.bound.high))
        return "bounds"
    return answered_by


def _figure(value: Decimal) -> str:
    return f"{value:,}" if value == value.to_integral_value() else f"{value:,f}"


# --- around the handler ---

async def savepoint(handler: Handler, deps: dict[str, Any], call_next: Next) -> Any:
    """The handler runs in a savepoint: one that raises (a refused number) leaves no half-made change."""
    async with deps["uow"].savepoint():
        return await call_next()


async def audit_admin_commands(handler: Handler, deps: dict[str, Any], call_next: Next) -> Any:
    """An operator command (`admin_command`) writes an audit row: who, when, its arguments and the
    handler's `Audit`; a `UsageError` is answered with the command's usage and audited as refused."""
    spec = handler.meta
    if not isinstance(spec, CommandSpec):
        return await call_next()
    uow, phone, now, args = deps["uow"], deps["turn"].phone, deps["now"], deps["args"]
    try:
        result = await call_next()
    except UsageError as exc:
        await deps["reply"]("admin_usage", error=str(exc), usage=spec.usage)
        await uow.audit.record(phone, f"command {spec.name} refused", now, after={"args": args, "error": str(exc)})
        return None
    audit = result if isinstance(result, Audit) else Audit()
    await uow.audit.record(phone, f"command {spec.name}", now, subject=audit.subject, before=audit.before,
                           after={"args": args, **_as_dict(audit.after)})
    return result


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {} if value is None else {"value": value}


HANDLER_MIDDLEWARES: tuple[HandlerMiddleware, ...] = (savepoint, audit_admin_commands)
