"""Durations people write: single units, compounds ("1h30m", "2d 4h"), and a clear ValueError for anything else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.durations import format_duration, looks_like_duration, parse_duration


@pytest.mark.parametrize(("text", "seconds"), [
    ("30s", 30), ("15m", 900), ("2h", 7200), ("1d", 86400), ("1.5h", 5400), ("90s", 90), ("1h30m", 5400),
    ("10h30m", 37800), ("2d4h", 187200), ("1h 30m", 5400), (" 2H 5M ", 7500), ("1d2h3m4s", 93784),
    ("0s", 0), ("0.5s", 0.5),
])
def test_compound_durations(text: str, seconds: float) -> None:
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("text", [
    "", " ", "30", "h", "m30", "1h1h", "30m1h", "1s2m", "-1h", "1x", "1h30x", "1 h 30", "1e3s", "१h", "1.h",
    "1h,30m", "99999999999d", None, True, 3.5, ["1h"],
])
def test_malformed_durations_are_a_value_error_naming_the_input(text: object) -> None:
    with pytest.raises(ValueError, match=r"duration"):
        parse_duration(text)
    assert not looks_like_duration(str(text))


@given(st.timedeltas(min_value=timedelta(0)))
def test_formatting_then_parsing_round_trips(delta: timedelta) -> None:
    assert parse_duration(format_duration(delta)) == delta


@given(st.text(max_size=30))
def test_any_text_parses_or_raises_value_error(text: str) -> None:
    try:
        assert parse_duration(text) >= timedelta(0)
    except ValueError as exc:
        assert "duration" in str(exc)


@given(st.lists(st.sampled_from(["1", "30", "2.5", "h", "m", "s", "d", " ", "x", ".", "-"]), max_size=8))
def test_duration_like_text_parses_or_raises_value_error(parts: list[str]) -> None:
    try:
        parse_duration("".join(parts))
    except ValueError as exc:
        assert "duration" in str(exc)


def test_negative_durations_cannot_be_formatted() -> None:
    with pytest.raises(ValueError, match="negative"):
        format_duration(timedelta(seconds=-1))
