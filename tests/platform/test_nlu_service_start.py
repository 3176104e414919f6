"""What NluService.load does before the first message, so that no message pays for it."""

from __future__ import annotations

from bot.runtime import Runtime


async def test_the_sentence_embedding_is_loaded_at_start_up(runtime: Runtime) -> None:
    classifier = runtime.nlu.pipeline.classifier
    assert getattr(classifier, "embed_head", None) is not None
    assert getattr(classifier, "_embedder", None) is not None
