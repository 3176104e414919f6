"""Vendors' run replies: `dispatched run 3`, `delivered stop 2 [run 3]`, read apart from the
one-order replies, and never raising on what vendors really type."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.delivery import run_dispatched, stop_delivered
from handlers.vendor import vendor_command
from tests.handlers.test_vendor_replies import turn


@pytest.mark.parametrize(("text", "run"), [("dispatched run 3", 3), ("Dispatched Run #12", 12), ("niskyo run 4", 4)])
def test_a_run_leaves(text: str, run: int) -> None:
    found = run_dispatched(turn(text))
    assert found is not None and found["run"] == run
    assert vendor_command(turn(text)) is None      # not read as a one-order reply


@pytest.mark.parametrize(("text", "seq", "run"), [
    ("delivered stop 2", 2, None), ("delivered stop 2 run 3", 2, 3), ("pugyo stop #1 of run 7", 1, 7)])
def test_a_stop_is_delivered(text: str, seq: int, run: int | None) -> None:
    found = stop_delivered(turn(text))
    assert found is not None and (found["seq"], found["run"]) == (seq, run)
    assert vendor_command(turn(text)) is None


def test_a_number_too_big_or_not_a_number_reads_as_none() -> None:
    found = run_dispatched(turn("dispatched run 99999999999999999999999"))
    assert found is not None and found["run"] is None
    found = stop_delivered(turn("delivered stop two"))
    assert found is not None and found["seq"] is None


@given(st.text(max_size=60))
def test_any_text_reads_without_raising(text: str) -> None:
    for read in (run_dispatched, stop_delivered):
        found = read(turn(text))
        assert found is None or all(v is None or isinstance(v, int) for k, v in found.items() if k != "raw")


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_numbers_come_back_as_said(seq: int, run: int) -> None:
    assert stop_delivered(turn(f"delivered stop {seq} run {run}")) == {
        "seq": seq, "run": run, "raw": {"seq": str(seq), "run": str(run)}}
    assert vendor_command(turn(f"delivered {seq}")) is not None   # the one-order reply still works
