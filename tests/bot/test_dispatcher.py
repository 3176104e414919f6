"""The dispatcher and its middlewares on their own: a fake unit of work notes what reaches the
database (savepoints, replies, audit rows, the saved conversation), in order."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from bot import logs
from bot.dispatcher import Dispatcher, NoHandler
from bot.middlewares import Next
from domain.bounds import REFERENCE, OutOfBounds
from domain.conversations import Conversation
from domain.interactive import Interactive, buttons, say
from domain.people import User
from handlers.admin import framework
from handlers.admin.framework import Audit, UsageError, admin_command
from handlers.context import Turn
from handlers.routing import ADMIN, RETAILER, UNKNOWN, Handler, Router
from storage.clock import FakeClock
from storage.repos.conversations import TurnStart
from storage.repos.inbox import InboundRecord
from tests.conftest import make_config

PHONE = "+9779800000001"
NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
RAM = User(1, PHONE, "Ram Kirana", RETAILER, "en")
OPS = User(2, PHONE, "Ops Desk", ADMIN, None)


class FakeUnitOfWork:
    """What the dispatcher and its middlewares use of a unit of work; `log` is what they did, in order."""

    def __init__(self, user: User | None = None, convo: Conversation | None = None) -> None:
        self.log: list[tuple[Any, ...]] = []
        self.user, self.convo = user, convo or Conversation(PHONE)
        self.users = SimpleNamespace(by_phone=self._by_phone)
        self.conversations = SimpleNamespace(load=self._load, save=self._save, turn_start=self._turn_start)
        self.audit = SimpleNamespace(record=self._audit)
        self.savepoint = self._savepoint
        self.notifier = SimpleNamespace(sender=None, texts=None, reply=self._reply)
        self.shown: Interactive | None = None  # the buttons or list of the latest message to the sender
        self.outbox = SimpleNamespace(last_interactive=self._last_interactive)

    async def _last_interactive(self, phone: str) -> Interactive | None:
        return self.shown

    async def _by_phone(self, phone: str) -> User | None:
        return self.user if self.user and self.user.phone == phone else None

    async def _load(self, phone: str) -> Conversation:
        return self.convo

    async def _turn_start(self, phone: str) -> TurnStart:
        return TurnStart(await self._by_phone(phone), await self._load(phone), await self._last_interactive(phone))

    async def _save(self, convo: Conversation, at: datetime) -> None:
        self.save_conversation(convo, at)

    def save_conversation(self, convo: Conversation, at: datetime) -> None:
        self.log.append(("saved", convo.state, dict(convo.data), convo.language, at))

    async def _audit(self, actor: str, action: str, at: datetime, *, subject: str | None = None,
                     before: Any = None, after: Any = None) -> None:
        self.log.append(("audit", actor, action, at, subject, before, after))

    async def _reply(self, key: str, *, interactive: Interactive | None = None, **params: Any) -> None:
        self.log.append(("reply", key, params))

    @contextlib.asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[None]:
        self.log.append(("savepoint",))
        try:
            yield
        except BaseException:
            self.log.append(("rolled back",))
            raise
        self.log.append(("released",))

    def bind(self, inbound_id: int, sender: Any = None) -> Any:
        self.notifier.inbound_id, self.notifier.sender = inbound_id, sender
        return self.notifier

    def only(self, kind: str) -> list[tuple[Any, ...]]:
        return [entry for entry in self.log if entry[0] == kind]


def record(text: str, message_id: int = 42) -> InboundRecord:
    return InboundRecord(id=message_id, provider="console", provider_id=f"p{message_id}", phone=PHONE, body=text,
                         received_at=NOW)


def dispatcher(*routers: Router, intent: str = "greeting", **kwargs: Any) -> Dispatcher:
    return Dispatcher(list(routers), config=make_config(), texts=None, clock=FakeClock(NOW),  # type: ignore[arg-type]
                      parse=lambda text: SimpleNamespace(intent=intent), **kwargs)


async def handle(d: Dispatcher, text: str, uow: FakeUnitOfWork | None = None) -> tuple[str, FakeUnitOfWork]:
    uow = uow or FakeUnitOfWork(RAM)
    return await d.handle(uow, record(text)), uow  # type: ignore[arg-type]


# --- the chain ---

async def test_turn_middlewares_wrap_the_filters_and_handler_middlewares_only_the_handler() -> None:
    events: list[str] = []

    def turn_mw(name: str) -> Any:
        async def mw(deps: dict[str, Any], call_next: Next) -> str:
            events.append(f"{name} in")
            answered: str = await call_next()
            events.append(f"{name} out")
            return answered
        return mw

    def handler_mw(name: str) -> Any:
        async def mw(handler: Handler, deps: dict[str, Any], call_next: Next) -> Any:
            events.append(f"{name} in: {handler.func.__name__} {deps['order_id']}")
            result = await call_next()
            events.append(f"{name} out: {result}")
            return result
        return mw

    router = Router("chain")

    def names_an_order(turn: Turn) -> dict[str, int]:
        events.append("filter")
        return {"order_id": 12}

    @router.message(filters=[names_an_order])
    async def status(order_id: int) -> str:
        events.append("handler")
        return "done"

    d = dispatcher(router, handler_middlewares=[handler_mw("h1"), handler_mw("h2")])
    d.middlewares = [turn_mw("t1"), d.identify, turn_mw("t2")]
    answered, _ = await handle(d, "order 12")
    assert answered.endswith("status")
    assert events == ["t1 in", "t2 in", "filter", "h1 in: status 12", "h2 in: status 12", "handler",
                      "h2 out: done", "h1 out: done", "t2 out", "t1 out"]


async def test_a_middleware_may_hand_a_dependency_to_the_handler() -> None:
    async def with_shop(handler: Handler, deps: dict[str, Any], call_next: Next) -> Any:
        deps["shop"] = "Ram Kirana"
        return await call_next()

    router, got = Router("more"), []

    @router.message()
    async def hello(shop: str) -> None:
        got.append(shop)

    await handle(dispatcher(router, handler_middlewares=[with_shop]), "hi")
    assert got == ["Ram Kirana"]


async def test_a_handler_naming_an_unknown_dependency_fails_the_message_unsaved() -> None:
    router = Router("missing")

    @router.message()
    async def hello(ghost: Any) -> None: ...

    with pytest.raises(TypeError, match="hello asks for unknown dependencies: \\['ghost'\\]"):
        await handle(dispatcher(router), "hi")


async def test_a_message_no_handler_takes_fails_and_its_conversation_is_not_saved() -> None:
    uow = FakeUnitOfWork(RAM)
    with pytest.raises(NoHandler):
        await handle(dispatcher(Router("empty")), "hi", uow)
    assert uow.log == []


# --- identity and what handlers may name ---

async def test_a_handler_gets_who_wrote_their_conversation_and_the_reply_in_their_language() -> None:
    router, got = Router("who"), {}

    @router.message(roles=(RETAILER, UNKNOWN))
    async def hello(turn: Turn, msg: Turn, user: Any, convo: Conversation, reply: Any, now: datetime,
                    record: InboundRecord, nlu: str) -> None:
        got.update(role=turn.role, same=msg is turn, user=user, convo=convo, inbound=convo.last_inbound_at,
                   to=(reply.phone, reply.language), now=now, record=record.id, nlu=nlu)

    d = dispatcher(router, services={"nlu": "the nlu"})
    await handle(d, "namaste", FakeUnitOfWork(RAM))
    assert got["role"] == RETAILER and got["same"] and got["user"] == RAM and got["to"] == (PHONE, "en")
    assert (got["inbound"], got["now"], got["record"], got["nlu"]) == (NOW, NOW, 42, "the nlu")
    await handle(d, "namaste", FakeUnitOfWork(None))
    assert got["role"] == UNKNOWN and got["user"] is None


async def test_a_tap_or_a_shown_choice_typed_by_number_is_handled_as_the_text_it_stands_for() -> None:
    router, seen = Router("taps"), []

    @router.message(roles=(RETAILER,))
    async def echo(turn: Turn) -> None:
        seen.append((turn.text, turn.button_payload))

    d = dispatcher(router)
    uow = FakeUnitOfWork(RAM)
    tap = InboundRecord(id=7, provider="meta", provider_id="w7", phone=PHONE, body="Confirm", received_at=NOW,
                        payload={"button_payload": say("YES")})
    await d.handle(uow, tap)  # type: ignore[arg-type]
    uow.shown = buttons((say("YES"), "Confirm"), (say("EDIT"), "Edit"))
    for text in ("2", "Edit", "3", "/help"):
        await handle(d, text, uow)
    uow.shown = None
    await handle(d, "2", uow)
    assert seen == [("YES", "say:YES"), ("EDIT", "say:EDIT"), ("Edit", None), ("3", None), ("/help", None),
                    ("2", None)]


async def test_the_message_id_is_on_every_log_line_of_the_turn_and_who_answered_is_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    seen: list[int | None] = []

    async def understand(text: str) -> Any:  # a remote backend: its warnings belong to the message too
        seen.append(logs.message_id.get())
        return SimpleNamespace(intent="greeting")

    router = Router("logged")

    @router.intent("greeting")
    async def hello() -> None:
        seen.append(logs.message_id.get())

    caplog.set_level(logging.INFO)
    answered, _ = await handle(dispatcher(router, understand=understand), "namaste")
    assert seen == [42, 42] and logs.message_id.get() is None
    [line] = [r for r in caplog.records if r.getMessage() == "message handled"]
    assert line.handler == answered and line.phone == PHONE  # type: ignore[attr-defined]


# --- the unit of work ---

async def test_the_handler_runs_in_a_savepoint_and_the_conversation_is_saved_after_it() -> None:
    router = Router("state")

    @router.message()
    async def ask(convo: Conversation, reply: Any) -> None:
        convo.set("awaiting", order_id=7)
        await reply("which_one")

    _, uow = await handle(dispatcher(router), "hi")
    assert uow.log == [("savepoint",), ("reply", "which_one", {}), ("released",),
                       ("saved", "awaiting", {"order_id": 7}, None, NOW)]


async def test_a_number_past_its_bound_in_a_handler_puts_the_conversation_back_and_says_the_bound() -> None:
    router = Router("bounds")

    @router.message()
    async def take(convo: Conversation, reply: Any) -> None:
        convo.set("changed", order_id=1)
        convo.data["nested"] = ["kept?"]
        convo.language = "hi"
        await reply("half_done")
        raise OutOfBounds(REFERENCE, "99999999999999")

    uow = FakeUnitOfWork(RAM, Conversation(PHONE, "awaiting", {"order_id": 7, "lines": ["a"]}, "ne"))
    answered, uow = await handle(dispatcher(router), "hi", uow)
    assert answered == "bounds"
    assert uow.log == [
        ("savepoint",), ("reply", "half_done", {}), ("rolled back",),
        ("reply", "bound_reference", {"low": "1", "high": "1,000,000,000,000"}),
        ("saved", "awaiting", {"order_id": 7, "lines": ["a"]}, "ne", NOW)]


async def test_a_number_past_its_bound_in_a_filter_is_answered_without_running_the_handler() -> None:
    router, ran = Router("bounds"), []

    def order_number(turn: Turn) -> dict[str, int]:
        raise OutOfBounds(REFERENCE, turn.text)

    @router.message(filters=[order_number])
    async def status() -> None:
        ran.append("status")

    answered, uow = await handle(dispatcher(router), "order 99999999999999")
    assert answered == "bounds" and ran == []
    assert uow.log == [("reply", "bound_reference", {"low": "1", "high": "1,000,000,000,000"}),
                       ("saved", "idle", {}, None, NOW)]


async def test_any_other_error_rolls_the_handler_back_and_leaves_the_conversation_unsaved() -> None:
    router = Router("broken")

    @router.message()
    async def broken(convo: Conversation) -> None:
        convo.set("half")
        raise RuntimeError("boom")

    uow = FakeUnitOfWork(RAM)
    with pytest.raises(RuntimeError):
        await handle(dispatcher(router), "hi", uow)
    assert uow.log == [("savepoint",), ("rolled back",)]


# --- the audit of operator commands ---

@pytest.fixture
def admin_router(monkeypatch: pytest.MonkeyPatch) -> Router:
    """A router with operator commands, kept out of the product's /help."""
    monkeypatch.setattr(framework, "COMMANDS", {})
    router = Router("admin.test")

    @admin_command(router, "/credit", usage="/credit NAME limit AMOUNT", summary="set a limit")
    async def credit(args: list[str]) -> Audit:
        if len(args) != 3:
            raise UsageError("missing arguments")
        return Audit(subject=args[0], before={"limit": 100}, after={"limit": int(args[2])})

    @admin_command(router, "/ping", usage="/ping", summary="nothing audited but the call")
    async def ping(reply: Any) -> None:
        await reply("pong")

    @admin_command(router, "/count", usage="/count", summary="a plain value after")
    async def count() -> Audit:
        return Audit(after=3)

    @router.command("/plain")
    async def plain(reply: Any) -> None:
        await reply("plain")

    @router.message(roles=(ADMIN,))
    async def chat(reply: Any) -> None:
        await reply("chat")

    return router


async def test_an_operator_command_is_audited_with_its_arguments_and_what_it_reports(admin_router: Router) -> None:
    _, uow = await handle(dispatcher(admin_router), "/credit Ram limit 500", FakeUnitOfWork(OPS))
    assert uow.log == [("savepoint",),
                       ("audit", PHONE, "command /credit", NOW, "Ram", {"limit": 100},
                        {"args": ["Ram", "limit", "500"], "limit": 500}),
                       ("released",), ("saved", "idle", {}, None, NOW)]
    _, uow = await handle(dispatcher(admin_router), "/ping", FakeUnitOfWork(OPS))
    assert uow.only("audit") == [("audit", PHONE, "command /ping", NOW, None, None, {"args": []})]
    assert uow.log.index(("reply", "pong", {})) < uow.log.index(uow.only("audit")[0])
    _, uow = await handle(dispatcher(admin_router), "/count", FakeUnitOfWork(OPS))
    assert uow.only("audit") == [("audit", PHONE, "command /count", NOW, None, None, {"args": [], "value": 3})]


async def test_a_usage_error_is_answered_with_the_usage_and_audited_as_refused(admin_router: Router) -> None:
    _, uow = await handle(dispatcher(admin_router), "/credit Ram", FakeUnitOfWork(OPS))
    assert uow.log == [
        ("savepoint",),
        ("reply", "admin_usage", {"error": "missing arguments", "usage": "/credit NAME limit AMOUNT"}),
        ("audit", PHONE, "command /credit refused", NOW, None, None, {"args": ["Ram"], "error": "missing arguments"}),
        ("released",), ("saved", "idle", {}, None, NOW)]


async def test_only_operator_commands_are_audited(admin_router: Router) -> None:
    for text in ("/plain", "hello"):
        _, uow = await handle(dispatcher(admin_router), text, FakeUnitOfWork(OPS))
        assert uow.only("reply") and uow.only("audit") == [], text


async def test_the_command_listed_for_the_authorisation_matrix_is_the_handler_that_runs(admin_router: Router) -> None:
    ran: list[Handler] = []

    async def note(handler: Handler, deps: dict[str, Any], call_next: Next) -> Any:
        ran.append(handler)
        return await call_next()

    await handle(dispatcher(admin_router, handler_middlewares=[note]), "/ping", FakeUnitOfWork(OPS))
    assert ran == [admin_router.commands["/ping"]] and framework.COMMANDS["/ping"].usage == "/ping"
