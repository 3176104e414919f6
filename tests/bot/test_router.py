"""The router on its own: which handler a message reaches, and what its filters hand it (no database)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

import handlers
from bot.dispatcher import Dispatcher, NoHandler
from domain.conversations import Conversation
from handlers.context import Turn
from handlers.routing import (
    ADMIN,
    RETAILER,
    VENDOR,
    Handler,
    Lazy,
    MissingDependency,
    Priority,
    Router,
    inject,
    ordered_handlers,
)
from tests.conftest import make_config


def turn(text: str = "hello", *, role: str = RETAILER, intent: str = "greeting", state: str = "idle",
         parsed: list[str] | None = None) -> Turn:
    """A turn whose parse has `intent`; each parse is noted in `parsed`."""
    def parse(text: str) -> Any:
        if parsed is not None:
            parsed.append(text)
        return SimpleNamespace(intent=intent)
    return Turn(message_id=1, phone="+9779800000001", text=text, role=role, user=None,
                convo=Conversation("+9779800000001", state=state), _parse_fn=parse)


def deps_of(t: Turn, **more: Any) -> dict[str, Any]:
    return {"turn": t, "msg": t, "parse": Lazy(lambda: t.parse), **more}


async def route(routers: list[Router], t: Turn, **more: Any) -> str:
    """The name of the handler that answers `t` (routing only: no middlewares around handlers)."""
    dispatcher = Dispatcher(routers, config=make_config(), texts=None, clock=None,  # type: ignore[arg-type]
                            parse=lambda text: None, handler_middlewares=())
    return (await dispatcher.route(deps_of(t, **more))).split("<locals>.")[-1]


def named(name: str) -> Any:
    async def handler() -> None: ...
    handler.__qualname__ = name
    return handler


# --- priority ---

def one_of_each(router: Router) -> None:
    """A handler of each priority that matches any retailer message "/x" in state "s" with intent "i",
    registered lowest priority first."""
    router.fallback()(named("fallback"))
    router.intent("i")(named("intent"))
    router.state("s")(named("state"))
    router.message(priority=Priority.MEDIA)(named("media"))
    router.command("/x", roles=(RETAILER,))(named("command"))


async def test_handlers_are_tried_by_priority_whatever_order_they_were_registered_in() -> None:
    router = Router("all")
    one_of_each(router)
    assert [h.func.__qualname__ for h in ordered_handlers([router])] == [
        "command", "media", "state", "intent", "fallback"]
    assert await route([router], turn("/x", intent="i", state="s")) == "command"
    assert await route([router], turn("x", intent="i", state="s")) == "media"


async def test_each_priority_wins_over_the_ones_after_it() -> None:
    router = Router("all")
    router.fallback()(named("fallback"))
    router.intent("i")(named("intent"))
    router.state("s")(named("state"))
    assert await route([router], turn("x", intent="i", state="s")) == "state"
    assert await route([router], turn("x", intent="i")) == "intent"
    assert await route([router], turn("x", intent="other")) == "fallback"


def test_priorities_are_ordered_commands_first_fallback_last() -> None:
    assert Priority.COMMAND < Priority.MEDIA < Priority.STATE < Priority.INTENT < Priority.FALLBACK


async def test_within_a_priority_the_router_included_first_wins_and_priority_beats_inclusion() -> None:
    first, second = Router("first"), Router("second")
    first.intent("i")(named("first.intent"))
    second.intent("i")(named("second.intent"))
    second.command("/x", roles=(RETAILER,))(named("second.command"))
    assert await route([first, second], turn("hi", intent="i")) == "first.intent"
    assert await route([second, first], turn("hi", intent="i")) == "second.intent"
    assert await route([first, second], turn("/x", intent="i")) == "second.command"
    order = [h.func.__qualname__ for h in ordered_handlers([first, second])]
    assert order == ["second.command", "first.intent", "second.intent"]


async def test_within_a_router_the_handler_registered_first_wins() -> None:
    router = Router("one")
    router.intent("i")(named("earlier"))
    router.intent("i")(named("later"))
    assert await route([router], turn(intent="i")) == "earlier"


async def test_a_handler_is_tried_only_for_its_roles() -> None:
    router, tried = Router("roles"), []
    router.message(roles=(VENDOR,), filters=[lambda turn: tried.append(turn) or True])(named("vendor"))
    router.fallback()(named("fallback"))
    assert await route([router], turn(role=RETAILER)) == "fallback"
    assert tried == [], "a filter of a handler for other roles is not even called"
    assert await route([router], turn(role=VENDOR)) == "vendor"


async def test_nothing_matching_is_an_error() -> None:
    router = Router("none")
    router.intent("i")(named("intent"))
    with pytest.raises(NoHandler):
        await route([router], turn(intent="other"))


def test_media_is_tried_after_commands_and_before_awaited_replies_in_the_product() -> None:
    """A retailer's slash command is refused even with a photo; a photo is read whatever the
    conversation awaits."""
    product = {f"{h.func.__module__}.{h.func.__qualname__}": h for h in ordered_handlers(handlers.routers())}
    order = list(product)
    refused, photo, result = (order.index(f"handlers.{n}") for n in (
        "admin.basics.not_allowed", "media.receive_media", "media.media_result"))
    first_state = order.index("handlers.media.transcript_confirmed")
    assert refused < photo < result < first_state
    assert product["handlers.media.receive_media"].priority == Priority.MEDIA
    assert product["handlers.admin.basics.not_allowed"].priority == Priority.COMMAND


# --- commands ---

async def test_a_command_hands_on_its_name_and_arguments_and_is_listed() -> None:
    router, got = Router("cmd"), {}

    @router.command("/stats", "/s")
    async def stats(command: str, args: list[str]) -> None:
        got.update(command=command, args=args)

    assert await route([router], turn("/STATS 7d  top", role=ADMIN)) == "stats"
    assert got == {"command": "/stats", "args": ["7d", "top"]}
    assert set(router.commands) == {"/stats", "/s"} and router.commands["/s"].func is stats
    with pytest.raises(NoHandler):
        await route([router], turn("/statsx", role=ADMIN))


# --- filters ---

async def test_sync_and_async_filters_returning_false_none_or_true() -> None:
    async def async_yes(turn: Turn) -> bool:
        return True

    async def async_none(turn: Turn) -> None:
        return None

    router = Router("filters")
    router.message(filters=[lambda turn: True, async_none])(named("async none"))
    router.message(filters=[lambda turn: False, async_yes])(named("sync false"))
    router.message(filters=[async_yes, lambda turn: None])(named("sync none"))
    router.message(filters=[async_yes, lambda turn: True])(named("both true"))
    assert await route([router], turn()) == "both true"


async def test_filter_values_are_handed_to_later_filters_and_to_the_handler() -> None:
    seen: dict[str, Any] = {}

    def number(turn: Turn) -> dict[str, int]:
        return {"order_id": int(turn.text.split()[-1])}

    async def known(order_id: int, orders: set[int]) -> dict[str, str] | None:
        return {"status": "open"} if order_id in orders else None

    router = Router("values")

    @router.message(filters=[number, known])
    async def status(order_id: int, status: str) -> None:
        seen.update(order_id=order_id, status=status)

    router.fallback()(named("fallback"))
    assert await route([router], turn("order 12"), orders={12}) == "status"
    assert seen == {"order_id": 12, "status": "open"}
    assert await route([router], turn("order 13"), orders={12}) == "fallback"


async def test_an_async_filter_names_its_dependencies_like_a_handler() -> None:
    calls: list[tuple[Any, ...]] = []

    async def has_open_order(turn: Turn, uow: Any) -> dict[str, int] | None:
        calls.append((turn.text, uow))
        return {"order_id": uow["open"]} if uow.get("open") else None

    router, got = Router("deps"), []

    @router.message(filters=[has_open_order])
    async def open_order(order_id: int) -> None:
        got.append(order_id)

    router.fallback()(named("fallback"))
    assert await route([router], turn("where"), uow={"open": 7}) == "open_order"
    assert got == [7] and calls == [("where", {"open": 7})]
    assert await route([router], turn("where"), uow={}) == "fallback"


async def test_a_filter_or_handler_naming_an_unknown_dependency_is_an_error() -> None:
    def needs_ghost(turn: Turn, ghost: Any) -> bool:
        return True

    router = Router("missing")
    router.message(filters=[needs_ghost])(named("never"))
    with pytest.raises(MissingDependency, match=r"needs_ghost asks for unknown dependencies: \['ghost'\]"):
        await route([router], turn())

    router = Router("missing handler")

    @router.intent("greeting")
    async def greet(reply: Any, spectre: Any) -> None: ...

    with pytest.raises(MissingDependency, match=r"greet asks for unknown dependencies: \['reply', 'spectre'\]"):
        await route([router], turn())


async def test_the_parse_is_made_only_for_whoever_names_it() -> None:
    parsed: list[str] = []
    router = Router("lazy")

    @router.command("/x", roles=(RETAILER,))
    async def command(args: list[str]) -> None: ...

    @router.message()
    async def wants_parse(parse: Any) -> None:
        assert parse.intent == "greeting"

    assert await route([router], turn("/x", parsed=parsed)) == "command"
    assert parsed == [], "a slash command is handled without a parse"
    assert await route([router], turn("namaste", parsed=parsed)) == "wants_parse"
    assert parsed == ["namaste"]


def test_inject_computes_a_lazy_dependency_once_and_keeps_it() -> None:
    made: list[int] = []
    deps: dict[str, Any] = {"parse": Lazy(lambda: made.append(1) or "the parse"), "turn": "t"}

    def handler(parse: Any, turn: Any) -> None: ...

    assert inject(handler, ("parse", "turn"), deps) == {"parse": "the parse", "turn": "t"}
    assert inject(handler, ("parse",), deps) == {"parse": "the parse"}
    assert made == [1] and deps["parse"] == "the parse"


def test_a_handler_knows_the_parameters_it_names() -> None:
    async def confirm(reply: Any, uow: Any, now: Any) -> None: ...
    assert Handler(confirm, Priority.STATE, frozenset({RETAILER}), ()).params == ("reply", "uow", "now")
