"""Language: "nepali ma", "english please", "नेपालीमा" switch the replies and remember the choice
(on the conversation and the user). Roman Nepali gets `ne`, Devanagari gets `ne-deva`."""

from __future__ import annotations

import re
from typing import Any

from handlers.context import Turn
from handlers.routing import RETAILER, VENDOR, Kind, Router
from storage.notify import Reply
from storage.repos.conversations import Conversation
from storage.repos.users import User
from storage.uow import UnitOfWork

router = Router("language")

_ENGLISH = {"english", "eng", "angreji", "angrezi", "अंग्रेजी", "अङ्ग्रेजी", "इङ्ग्लिस"}
_NEPALI = {"nepali", "nep", "नेपाली"}
_SCRIPT = {"devanagari", "unicode", "lipi", "देवनागरी", "लिपि"}
_FILLER = {"ma", "maa", "in", "please", "pls", "plz", "me", "mai", "मा", "bolnus", "bolnu", "bola", "lekhnus",
           "lekha", "language", "bhasa", "bhasha", "भाषा", "switch", "to", "reply", "speak", "talk", "change",
           "use", "garnus", "gara", "ko", "only", "matra", "ley", "le", "बोल्नुस", "लेख्नुस", "गर्नुस",
           "हजुर", "ji", "hajur", "can", "you", "we", "write", "chat", "with", "now", "aba", "अब", "the"}
_WORD = re.compile(r"[a-z]+|[\u0900-\u097f]+", re.IGNORECASE)
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
LANGUAGE_NAMES = {"en": "English", "ne": "Nepali", "ne-deva": "नेपाली"}


def requested_language(text: str) -> str | None:
    """The language a short "speak X" message asks for, or None when the message is about something else."""
    words = [_without_ma(w.strip("\u094d")) for w in _WORD.findall(text.lower())]
    if not words or len(words) > 7 or not all(w in _ENGLISH | _NEPALI | _SCRIPT | _FILLER for w in words):
        return None
    if any(w in _ENGLISH for w in words):
        return "en"
    if any(w in _NEPALI for w in words):
        return "ne-deva" if _DEVANAGARI.search(text) or any(w in _SCRIPT for w in words) else "ne"
    return None


def _without_ma(word: str) -> str:
    """"nepalima" -> "nepali", "अंग्रेजीमा" -> "अंग्रेजी" (the postposition written joined)."""
    for suffix in ("मा", "ma"):
        if word.endswith(suffix) and word[:-len(suffix)] in _ENGLISH | _NEPALI:
            return word[:-len(suffix)]
    return word


def _asks_to_switch(turn: Turn) -> dict[str, str] | None:
    target = requested_language(turn.text)
    return {"target": target} if target else None


@router.message(kind=Kind.INTENT, roles=(RETAILER, VENDOR), filters=[_asks_to_switch])
async def switch(reply: Reply, user: User, convo: Conversation, uow: UnitOfWork, target: str) -> None:
    await remember(uow, user, convo, target)
    reply.language = target
    await reply("language_switched", name=LANGUAGE_NAMES[target])


@router.intent("language_switch", roles=(RETAILER, VENDOR))
async def which_language(reply: Reply, config: Any) -> None:
    await reply("language_choose", languages=", ".join(LANGUAGE_NAMES[c] for c in config.languages.supported
                                                      if c in LANGUAGE_NAMES))


async def remember(uow: UnitOfWork, user: User, convo: Conversation, language: str) -> None:
    """Keep `language` for this conversation and for the user (it outlives the conversation row)."""
    convo.language = language
    await uow.users.set_language(user.id, language)
