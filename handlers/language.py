"""Language: "nepali ma", "hindi mein", "english please", "नेपालीमा", "हिंदी में" switch the replies and remember
the choice (on the conversation and the user). Roman script gets `ne` / `hi`, Devanagari `ne-deva` / `hi-deva`."""

from __future__ import annotations

import re
from typing import Any

from domain.conversations import Conversation
from domain.people import User
from handlers.context import Reply, Turn
from handlers.routing import RETAILER, VENDOR, Priority, Router
from services import UnitOfWork
from services.preferences import keep_language

router = Router("language")

_ENGLISH = {"english", "eng", "angreji", "angrezi", "अंग्रेजी", "अङ्ग्रेजी", "इङ्ग्लिस", "इंग्लिश", "अंग्रेज़ी"}
_NEPALI = {"nepali", "nep", "नेपाली"}
_HINDI = {"hindi", "hindee", "हिंदी", "हिन्दी"}
# The language asked for, as (Roman, Devanagari) codes.
_TARGETS = ((_ENGLISH, ("en", "en")), (_HINDI, ("hi", "hi-deva")), (_NEPALI, ("ne", "ne-deva")))
_SCRIPT = {"devanagari", "unicode", "lipi", "देवनागरी", "लिपि"}
_FILLER = {"ma", "maa", "in", "please", "pls", "plz", "me", "mai", "मा", "bolnus", "bolnu", "bola", "lekhnus",
           "lekha", "language", "bhasa", "bhasha", "भाषा", "switch", "to", "reply", "speak", "talk", "change",
           "use", "garnus", "gara", "ko", "only", "matra", "ley", "le", "बोल्नुस", "लेख्नुस", "गर्नुस",
           "हजुर", "ji", "hajur", "can", "you", "we", "write", "chat", "with", "now", "aba", "अब", "the",
           # Hindi: "hindi mein baat karo", "हिंदी में बोलिए"
           "mein", "mei", "bolo", "boliye", "baat", "karo", "kijiye", "karein", "likho", "likhiye", "ab", "se",
           "jawab", "do", "dijiye", "bhai", "में", "बोलो", "बोलिए", "बात", "करो", "कीजिए", "करें", "लिखो",
           "लिखिए", "जी", "जवाब", "दो", "दीजिए", "से", "प्लीज़", "प्लीज"}
_LANGUAGE_WORDS = _ENGLISH | _NEPALI | _HINDI
_WORD = re.compile(r"[a-z]+|[\u0900-\u097f]+", re.IGNORECASE)
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
LANGUAGE_NAMES = {"en": "English", "ne": "Nepali", "ne-deva": "नेपाली", "hi": "Hindi", "hi-deva": "हिंदी"}


def requested_language(text: str) -> str | None:
    """The language a short "speak X" message asks for, or None when the message is about something else."""
    words = [_without_postposition(w.strip("\u094d")) for w in _WORD.findall(text.lower())]
    if not words or len(words) > 7 or not all(w in _LANGUAGE_WORDS | _SCRIPT | _FILLER for w in words):
        return None
    devanagari = bool(_DEVANAGARI.search(text)) or any(w in _SCRIPT for w in words)
    for names, (roman, deva) in _TARGETS:
        if any(w in names for w in words):
            return deva if devanagari else roman
    return None


def _without_postposition(word: str) -> str:
    """"nepalima" -> "nepali", "अंग्रेजीमा" -> "अंग्रेजी", "hindimein" -> "hindi" (the postposition written joined)."""
    for suffix in ("में", "मा", "mein", "ma", "me"):
        if word.endswith(suffix) and word[:-len(suffix)] in _LANGUAGE_WORDS:
            return word[:-len(suffix)]
    return word


def _asks_to_switch(turn: Turn) -> dict[str, str] | None:
    target = requested_language(turn.text)
    return {"target": target} if target else None


@router.message(priority=Priority.INTENT, roles=(RETAILER, VENDOR), filters=[_asks_to_switch])
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
    await keep_language(uow, user.id, language)
