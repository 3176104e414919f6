"""Routers, filters and dependencies by signature.

Each handlers/ module owns a `Router` and registers handlers with decorators:

    router = Router("greeting")

    @router.intent("greeting", "help")
    async def welcome(reply: Reply, user: User) -> None: ...

A filter is a callable taking the `Turn` and returning False/None (no match), True, or a dict of
values handed to the handler by name. The dispatcher orders handlers by kind — slash command,
then an awaited reply in the current conversation state, then intent, then fallback — and within
a kind by the order routers were included; the first match wins. A handler names the dependencies
it needs (msg, user, convo, parse, reply, uow, clock, config, …) and receives just those.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

Filter = Callable[[Any], Any]
HandlerFunc = Callable[..., Awaitable[Any]]

RETAILER, VENDOR, ADMIN, UNKNOWN = "retailer", "vendor", "admin", "unknown"


class Kind(IntEnum):
    COMMAND = 0
    STATE = 1
    INTENT = 2
    FALLBACK = 3


@dataclass
class Handler:
    func: HandlerFunc
    kind: Kind
    roles: frozenset[str]
    filters: tuple[Filter, ...]
    params: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.params = tuple(inspect.signature(self.func).parameters)

    def match(self, turn: Any) -> dict[str, Any] | None:
        """The values the filters produced, or None when the handler does not apply."""
        if turn.role not in self.roles:
            return None
        found: dict[str, Any] = {}
        for check in self.filters:
            result = check(turn)
            if not result:
                return None
            if isinstance(result, dict):
                found.update(result)
        return found

    async def call(self, deps: dict[str, Any]) -> Any:
        missing = [p for p in self.params if p not in deps]
        if missing:
            raise TypeError(f"{self.func.__qualname__} asks for unknown dependencies: {missing}")
        return await self.func(**{p: deps[p] for p in self.params})


class Router:
    def __init__(self, name: str) -> None:
        self.name = name
        self.handlers: list[Handler] = []
        self.commands: dict[str, Handler] = {}  # slash command -> its handler (for the authorisation matrix)

    def _register(self, kind: Kind, roles: Iterable[str], filters: Iterable[Filter]
                  ) -> Callable[[HandlerFunc], HandlerFunc]:
        def decorator(func: HandlerFunc) -> HandlerFunc:
            self.handlers.append(Handler(func, kind, frozenset(roles), tuple(filters)))
            return func
        return decorator

    def command(self, *names: str, roles: Iterable[str] = (ADMIN,), filters: Iterable[Filter] = ()
                ) -> Callable[[HandlerFunc], HandlerFunc]:
        """A slash command: `/stats 7d` matches "/stats" and hands `args=["7d"]` to the handler."""
        wanted = {n.lower() for n in names}

        def is_command(turn: Any) -> dict[str, Any] | None:
            parts = turn.text.strip().split()
            if parts and parts[0].lower() in wanted:
                return {"command": parts[0].lower(), "args": parts[1:]}
            return None
        register = self._register(Kind.COMMAND, roles, (is_command, *filters))

        def decorator(func: HandlerFunc) -> HandlerFunc:
            register(func)
            self.commands.update(dict.fromkeys(wanted, self.handlers[-1]))
            return func
        return decorator

    def state(self, *states: str, roles: Iterable[str] = (RETAILER, VENDOR, ADMIN),
              filters: Iterable[Filter] = ()) -> Callable[[HandlerFunc], HandlerFunc]:
        """A reply the conversation awaits: matches while the conversation is in one of `states`."""
        wanted = set(states)
        return self._register(Kind.STATE, roles, (lambda turn: turn.convo.state in wanted, *filters))

    def intent(self, *intents: str, roles: Iterable[str] = (RETAILER,), filters: Iterable[Filter] = ()
               ) -> Callable[[HandlerFunc], HandlerFunc]:
        wanted = set(intents)
        return self._register(Kind.INTENT, roles, (lambda turn: turn.parse.intent in wanted, *filters))

    def message(self, *, kind: Kind = Kind.INTENT, roles: Iterable[str] = (RETAILER,),
                filters: Iterable[Filter] = ()) -> Callable[[HandlerFunc], HandlerFunc]:
        """Any message passing `filters`, at the priority of `kind`."""
        return self._register(kind, roles, filters)

    def fallback(self, *, roles: Iterable[str] = (RETAILER, VENDOR, ADMIN, UNKNOWN)
                 ) -> Callable[[HandlerFunc], HandlerFunc]:
        return self._register(Kind.FALLBACK, roles, ())


def ordered_handlers(routers: Iterable[Router]) -> list[Handler]:
    """All handlers by kind, keeping the router order within a kind (sorted() is stable)."""
    return sorted((h for r in routers for h in r.handlers), key=lambda h: h.kind)
