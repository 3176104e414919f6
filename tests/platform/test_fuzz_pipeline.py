"""A short fuzz of the whole message path (the long one is bench/fuzz_pipeline.py): random messages
from retailers, vendors, an admin and unknown numbers all end handled, each answered, the data sound."""

from __future__ import annotations

from bot.local import LocalSession
from tests.support.pipeline_fuzz import cast, local_deliver, run_fuzz

MESSAGES = 120


async def test_random_messages_are_all_handled_and_answered(runtime) -> None:
    await cast(runtime)
    result = await run_fuzz(runtime, local_deliver(LocalSession(runtime)), MESSAGES, seed=7)
    summary = "\n".join(result.lines())
    assert result.failed == 0, summary
    assert result.unanswered == 0, summary
    assert result.violations == [], summary
    assert result.handled == MESSAGES, summary
