"""The dispatcher: identity, conversation state, then the first handler that matches.

It runs inside the unit of work of one inbound message; replies are outbox rows of that same
transaction, so a message either changes state and answers, or does neither.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable, Iterable
from decimal import Decimal
from typing import Any

from bot.config import Config
from bot.reply import Reply
from domain.bounds import OutOfBounds
from domain.language import language_for
from handlers.context import Turn
from handlers.routing import UNKNOWN, Router, ordered_handlers
from nlu.normalize import guess_language
from services.texts import Texts
from storage.clock import Clock
from storage.notifier import Sender
from storage.repos.inbox import InboundRecord
from storage.uow import UnitOfWork


class NoHandler(LookupError):
    pass


class Dispatcher:
    def __init__(self, routers: Iterable[Router], *, config: Config, texts: Texts, clock: Clock,
                 parse: Callable[[str], Any], understand: Callable[[str], Awaitable[Any]] | None = None,
                 services: dict[str, Any] | None = None) -> None:
        self.handlers = ordered_handlers(routers)
        self.config = config
        self.texts = texts
        self.clock = clock
        self.parse = parse
        self.understand = understand  # async parse that may ask a remote backend; None: local only
        self.services = services or {}  # extra dependencies handlers may ask for by name

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

    async def handle(self, uow: UnitOfWork, record: InboundRecord) -> str:
        """Handle one stored message; returns the name of the handler that answered."""
        now = self.clock.now()
        user = await uow.users.by_phone(record.phone)
        convo = await uow.conversations.load(record.phone)
        convo.last_inbound_at = record.received_at
        turn = Turn(
            message_id=record.id, phone=record.phone, text=record.body.strip(),
            role=user.role if user else UNKNOWN, user=user, convo=convo, media=record.media,
            button_payload=record.payload.get("button_payload"), _parse_fn=self.parse,
        )
        if self.understand is not None and not turn.text.startswith("/"):
            turn._parse = await self.understand(turn.text)
        if turn.text and not turn.text.startswith("/") and any(c.isalpha() for c in turn.text):
            convo.written_language = self._written_language(turn.text)  # a Roman message of unclear language: None
        language = language_for(convo.language or (user.language if user else None), convo.written_language,
                                self.config.languages.default)

        reply = Reply(uow.bind(record.id, Sender(record.phone, language)))
        deps: dict[str, Any] = {
            **self.services, "msg": turn, "turn": turn, "user": user, "convo": convo, "reply": reply,
            "uow": uow, "clock": self.clock, "now": now, "config": self.config, "texts": self.texts,
            "record": record,
        }
        awaited = (convo.state, copy.deepcopy(convo.data), convo.language)
        try:
            async with uow.conn.transaction():  # a savepoint: a refused number leaves no half-made change
                answered_by = await self._run_first_match(turn, deps)
        except OutOfBounds as exc:  # a number past its bound, read from the text by a filter or handler
            convo.state, convo.data, convo.language = awaited
            await reply(f"bound_{exc.bound.key}", low=_figure(exc.bound.low), high=_figure(exc.bound.high))
            answered_by = "bounds"
        await uow.conversations.save(convo, now)
        return answered_by

    async def _run_first_match(self, turn: Turn, deps: dict[str, Any]) -> str:
        for handler in self.handlers:
            found = handler.match(turn)
            if found is None:
                continue
            if "parse" in handler.params:
                deps["parse"] = turn.parse
            await handler.call({**deps, **found})
            return handler.func.__qualname__
        raise NoHandler(f"no handler for {turn.role} message {turn.message_id}")


def _figure(value: Decimal) -> str:
    return f"{value:,}" if value == value.to_integral_value() else f"{value:,f}"
