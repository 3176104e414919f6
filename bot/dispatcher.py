"""The dispatcher: identity, conversation state, then the first handler that matches, inside the
middlewares of bot/middlewares.py.

It runs inside the unit of work of one inbound message; replies are outbox rows of that same
transaction, so a message either changes state and answers, or does neither.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from bot.config import Config
from bot.middlewares import (
    HANDLER_MIDDLEWARES,
    HandlerMiddleware,
    Next,
    TurnMiddleware,
    log_handling,
    reply_out_of_bounds,
    run_handler,
    run_turn,
    save_conversation,
)
from bot.reply import Reply
from domain.interactive import tapped, typed
from domain.language import language_for
from handlers.context import Turn
from handlers.routing import UNKNOWN, Handler, Lazy, Router, ordered_handlers
from nlu.normalize import guess_language
from services.texts import Texts
from storage.clock import Clock
from storage.notifier import Sender
from storage.repos.inbox import InboundRecord
from storage.uow import UnitOfWork


class NoHandler(LookupError):
    pass


class Dispatcher:
    """`handle` runs the turn middlewares (by default: logging, identity, saving the conversation,
    the bound reply) around routing; the handler that matched runs inside the handler middlewares."""

    def __init__(self, routers: Iterable[Router], *, config: Config, texts: Texts, clock: Clock,
                 parse: Callable[[str], Any], understand: Callable[[str], Awaitable[Any]] | None = None,
                 services: dict[str, Any] | None = None,
                 handler_middlewares: Sequence[HandlerMiddleware] = HANDLER_MIDDLEWARES) -> None:
        self.handlers = ordered_handlers(routers)
        self._by_role: dict[str, list[Handler]] = {}
        self.config = config
        self.texts = texts
        self.clock = clock
        self.parse = parse
        self.understand = understand  # async parse that may ask a remote backend; None: local only
        self.services = services or {}  # extra dependencies handlers may ask for by name
        # Identity inside the logging: what a remote NLU backend logs carries the message id too.
        self.middlewares: list[TurnMiddleware] = [log_handling, self.identify, save_conversation,
                                                  reply_out_of_bounds]
        self.handler_middlewares = list(handler_middlewares)

    async def handle(self, uow: UnitOfWork, record: InboundRecord) -> str:
        """Handle one stored message; returns the name of the handler that answered."""
        deps: dict[str, Any] = {**self.services, "uow": uow, "record": record, "clock": self.clock,
                                "now": self.clock.now(), "config": self.config, "texts": self.texts}
        return await run_turn(self.middlewares, deps, self.route)

    async def identify(self, deps: dict[str, Any], call_next: Next) -> str:
        """Who sent the message, their conversation, what the message says and the language to answer
        in: the turn, the reply and the rest of what handlers may name."""
        uow, record = deps["uow"], deps["record"]
        start = record.start or await uow.conversations.turn_start(record.phone)  # the intake reads it along
        user, convo = start.user, start.convo
        convo.last_inbound_at = record.received_at
        payload = record.payload.get("button_payload")
        text = record.body.strip()
        if payload is None and text and not text.startswith("/"):
            payload = tapped(start.last_interactive, text)
        turn = Turn(
            message_id=record.id, phone=record.phone, text=typed(payload) or text,
            role=user.role if user else UNKNOWN, user=user, convo=convo, media=record.media,
            button_payload=payload, _parse_fn=self.parse,
        )
        if self.understand is not None and not turn.text.startswith("/"):
            turn._parse = await self.understand(turn.text)
        if turn.text and not turn.text.startswith("/") and any(c.isalpha() for c in turn.text):
            convo.written_language = self._written_language(turn.text)  # a Roman message of unclear language: None
        language = language_for(convo.language or (user.language if user else None), convo.written_language,
                                self.config.languages.default)
        reply = Reply(uow.bind(record.id, Sender(record.phone, language)))
        deps.update(msg=turn, turn=turn, user=user, convo=convo, reply=reply, parse=Lazy(lambda: turn.parse))
        return await call_next()

    def _written_language(self, text: str) -> str | None:
        """The language a message is written in, when that is clear; None when it is not.

        Devanagari writers are answered in Devanagari, Hindi or Nepali by the words they use. Roman script
        is left to the default unless the message is confidently Roman Hindi ("chini ka rate kya hai"):
        short Roman Nepali and English messages look alike, and replies that switch language from one
        message to the next would confuse more than help; Hindi's own function words (kya, hai, chahiye)
        are rarely mistaken for English or Nepali.
        """
        guess = guess_language(text) if text and not text.startswith("/") else None
        supported = self.config.languages.supported
        if guess and guess.language in supported and (guess.language.endswith("-deva") or
                                                     (guess.language == "hi" and guess.confident)):
            return guess.language
        return None

    def _handlers_for(self, role: str) -> list[Handler]:
        """The handlers open to `role`, in the order they are tried (worked out once per role)."""
        if role not in self._by_role:
            self._by_role[role] = [h for h in self.handlers if role in h.roles]
        return self._by_role[role]

    async def route(self, deps: dict[str, Any]) -> str:
        """The first handler whose roles and filters match runs, with its filters' values."""
        for handler in self._handlers_for(deps["turn"].role):
            found = await handler.match(deps)
            if found is not None:
                await run_handler(self.handler_middlewares, handler, {**deps, **found})
                return handler.func.__qualname__
        turn = deps["turn"]
        raise NoHandler(f"no handler for {turn.role} message {turn.message_id}")
