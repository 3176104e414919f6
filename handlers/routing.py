"""Routers, filters and dependencies by signature.

Each handlers/ module owns a `Router` and registers handlers with decorators:

    router = Router("greeting")

    @router.intent("greeting", "help")
    async def welcome(reply: Reply, user: User) -> None: ...

The dispatcher tries handlers by priority (`Priority`: slash command, media, an awaited reply in the
current conversation state, intent, fallback), and within one priority in the order routers were
included and handlers registered; the first match wins.

A handler names the dependencies it needs (msg, user, convo, parse, reply, uow, clock, config, …) and
receives just those. So does a filter, which may be sync or async: it returns False/None (no match),
True, or a dict of values handed by name to the filters after it and to the handler:

    async def has_open_order(turn: Turn, uow: UnitOfWork) -> dict[str, int] | None: ...
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

Filter = Callable[..., Any]
HandlerFunc = Callable[..., Awaitable[Any]]

RETAILER, VENDOR, ADMIN, UNKNOWN = "retailer", "vendor", "admin", "unknown"


class Priority:
    """When a handler is tried: lower first. Spaced so a new tier fits between two."""

    COMMAND = 10   # slash commands, and replies that must not be read as an awaited answer ("payment ok 12")
    MEDIA = 20     # a photo, a voice note, a media job's result: read in whatever state the conversation is
    STATE = 30     # a reply the conversation awaits
    INTENT = 40
    FALLBACK = 50


class MissingDependency(TypeError):
    """A handler or filter names a dependency the dispatcher does not provide."""


@dataclass(frozen=True)
class Lazy:
    """A dependency computed when first named (the NLU parse: slash commands never need it)."""

    make: Callable[[], Any]


def _parameters(func: Callable[..., Any]) -> tuple[str, ...]:
    return tuple(inspect.signature(func).parameters)


def inject(func: Callable[..., Any], params: Iterable[str], deps: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments `func` asks for, from `deps` (a `Lazy` one is computed and kept there)."""
    try:
        kwargs = {p: deps[p] for p in params}
    except KeyError:
        missing = [p for p in params if p not in deps]
        raise MissingDependency(f"{func.__qualname__} asks for unknown dependencies: {missing}") from None
    for p, value in kwargs.items():
        if isinstance(value, Lazy):
            deps[p] = kwargs[p] = value.make()
    return kwargs


_PLAIN = (bool, dict, type(None))  # what a filter returns when it has nothing to await


@dataclass(frozen=True)
class _Check:
    func: Filter
    params: tuple[str, ...]


@dataclass
class Handler:
    func: HandlerFunc
    priority: int
    roles: frozenset[str]
    filters: tuple[Filter, ...]
    meta: Any = None  # what the registering module says of the handler (an admin command's spec)
    params: tuple[str, ...] = field(init=False)
    _checks: tuple[_Check, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.params = _parameters(self.func)
        self._checks = tuple(_Check(f, _parameters(f)) for f in self.filters)

    async def match(self, deps: dict[str, Any]) -> dict[str, Any] | None:
        """The values the filters produced, or None when the handler does not apply."""
        if deps["turn"].role not in self.roles:
            return None
        found: dict[str, Any] = {}
        for check in self._checks:  # called here, not in a coroutine of their own: most filters are sync
            result = check.func(**inject(check.func, check.params, {**deps, **found} if found else deps))
            if not isinstance(result, _PLAIN) and inspect.isawaitable(result):
                result = await result
            if not result:
                return None
            if isinstance(result, dict):
                found.update(result)
        return found

    async def call(self, deps: dict[str, Any]) -> Any:
        return await self.func(**inject(self.func, self.params, deps))


class Router:
    def __init__(self, name: str) -> None:
        self.name = name
        self.handlers: list[Handler] = []
        self.commands: dict[str, Handler] = {}  # slash command -> its handler (for the authorisation matrix)

    def _register(self, priority: int, roles: Iterable[str], filters: Iterable[Filter], meta: Any = None
                  ) -> Callable[[HandlerFunc], HandlerFunc]:
        def decorator(func: HandlerFunc) -> HandlerFunc:
            self.handlers.append(Handler(func, priority, frozenset(roles), tuple(filters), meta))
            return func
        return decorator

    def command(self, *names: str, roles: Iterable[str] = (ADMIN,), filters: Iterable[Filter] = (),
                meta: Any = None) -> Callable[[HandlerFunc], HandlerFunc]:
        """A slash command: `/stats 7d` matches "/stats" and hands `args=["7d"]` to the handler."""
        wanted = {n.lower() for n in names}

        def is_command(turn: Any) -> dict[str, Any] | None:
            parts = turn.text.strip().split()
            if parts and parts[0].lower() in wanted:
                return {"command": parts[0].lower(), "args": parts[1:]}
            return None
        register = self._register(Priority.COMMAND, roles, (is_command, *filters), meta)

        def decorator(func: HandlerFunc) -> HandlerFunc:
            register(func)
            self.commands.update(dict.fromkeys(wanted, self.handlers[-1]))
            return func
        return decorator

    def state(self, *states: str, roles: Iterable[str] = (RETAILER, VENDOR, ADMIN),
              filters: Iterable[Filter] = ()) -> Callable[[HandlerFunc], HandlerFunc]:
        """A reply the conversation awaits: matches while the conversation is in one of `states`."""
        wanted = set(states)
        return self._register(Priority.STATE, roles, (lambda turn: turn.convo.state in wanted, *filters))

    def intent(self, *intents: str, roles: Iterable[str] = (RETAILER,), filters: Iterable[Filter] = ()
               ) -> Callable[[HandlerFunc], HandlerFunc]:
        wanted = set(intents)
        return self._register(Priority.INTENT, roles, (lambda turn: turn.parse.intent in wanted, *filters))

    def message(self, *, priority: int = Priority.INTENT, roles: Iterable[str] = (RETAILER,),
                filters: Iterable[Filter] = ()) -> Callable[[HandlerFunc], HandlerFunc]:
        """Any message passing `filters`, tried at `priority`."""
        return self._register(priority, roles, filters)

    def fallback(self, *, roles: Iterable[str] = (RETAILER, VENDOR, ADMIN, UNKNOWN)
                 ) -> Callable[[HandlerFunc], HandlerFunc]:
        return self._register(Priority.FALLBACK, roles, ())


def ordered_handlers(routers: Iterable[Router]) -> list[Handler]:
    """All handlers by priority; within one, routers in the order given (sorted() is stable)."""
    return sorted((h for r in routers for h in r.handlers), key=lambda h: h.priority)

