"""Which language a short "speak X" message asks for; longer or other messages ask for none."""

from __future__ import annotations

import pytest

from handlers.language import requested_language


@pytest.mark.parametrize(("text", "language"), [
    ("nepali ma", "ne"), ("Nepali ma bolnus", "ne"), ("nepalima please", "ne"), ("can you reply in nepali", "ne"),
    ("नेपालीमा", "ne-deva"), ("नेपाली मा बोल्नुस्", "ne-deva"), ("nepali devanagari ma", "ne-deva"),
    ("english please", "en"), ("English", "en"), ("अंग्रेजीमा", "en"), ("speak in english", "en"),
    ("2 kg chini", None), ("nepali chiya 2 packet", None), ("namaste", None), ("", None),
])
def test_requested_language(text: str, language: str | None) -> None:
    assert requested_language(text) == language


@pytest.mark.parametrize(("text", "language"), [
    ("hindi mein", "hi"), ("Hindi please", "hi"), ("hindimein", "hi"), ("hindi mein baat karo", "hi"),
    ("can you reply in hindi", "hi"), ("हिंदी में", "hi-deva"), ("हिन्दी में बात कीजिए", "hi-deva"),
    ("हिंदीमें", "hi-deva"), ("hindi devanagari", "hi-deva"), ("अंग्रेज़ी में", "en"),
    ("chini ka rate kya hai", None), ("hindi mein 2 kg chini", None), ("mujhe hindi film chahiye", None),
])
def test_requested_hindi(text: str, language: str | None) -> None:
    assert requested_language(text) == language
