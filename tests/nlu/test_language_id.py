"""Telling Hindi from Nepali (and English) in both scripts: the held-out half of data/eval/language_id.jsonl,
the examples the product promises, and any text at all without an error."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlu.normalize import detect_language, guess_language

DATA = Path(__file__).resolve().parents[2] / "data" / "eval" / "language_id.jsonl"
ROWS = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
LANGUAGES = {"en", "ne", "ne-deva", "hi", "hi-deva"}


def test_the_labelled_set_is_large_and_split_in_halves() -> None:
    counts = Counter((r["language"], r["split"]) for r in ROWS)
    for language in ("ne", "ne-deva", "hi", "hi-deva"):
        assert counts[(language, "dev")] + counts[(language, "test")] >= 150, language
        assert abs(counts[(language, "dev")] - counts[(language, "test")]) <= 1, language


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_held_out_accuracy(language: str) -> None:
    rows = [r for r in ROWS if r["split"] == "test" and r["language"] == language]
    wrong = [r["text"] for r in rows if detect_language(r["text"]) != language]
    assert len(wrong) / len(rows) <= 0.08, wrong


@pytest.mark.parametrize(("text", "language", "confident"), [
    ("chini ka rate kya hai", "hi", True),
    ("चीनी का भाव क्या है", "hi-deva", True),
    ("chini ko rate kati ho", "ne", False),
    ("चिनीको भाउ कति हो", "ne-deva", True),
    ("bhaiya 2 peti coke bhej do", "hi", True),
    ("mujhe 5 kg atta chahiye", "hi", True),
    ("mero order kaha pugyo?", "ne", True),
    ("2 kg chini", "en", False),
    ("namaste", "ne", False),
    ("how much do i owe", "en", True),
    ("कोक एक क्रेट", "ne-deva", False),
])
def test_examples(text: str, language: str, confident: bool) -> None:
    guess = guess_language(text)
    assert (guess.language, guess.confident) == (language, confident)


@given(st.text(max_size=200))
def test_any_text_gets_a_language(text: str) -> None:
    assert detect_language(text) in LANGUAGES


@given(st.text(alphabet=st.characters(min_codepoint=0x0900, max_codepoint=0x097F) | st.sampled_from(" 0123"),
               max_size=60))
def test_any_devanagari_gets_a_language(text: str) -> None:
    assert detect_language(text) in LANGUAGES
