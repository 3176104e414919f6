"""Answers shaped like a Rasa server's ``/model/parse`` response, for Rasa tooling."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def to_rasa_parse_response(
    text: str,
    intent: str,
    confidence: float,
    ranking: Iterable[tuple[str, float]] = (),
    entities: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """``{"text", "intent": {"name", "confidence"}, "entities", "intent_ranking", "text_tokens"}``.

    ``ranking`` is (intent, confidence) pairs; it is sorted best first and always holds ``intent``.
    Entities keep their keys; ``extractor`` defaults to ours, ``start``/``end`` to None.
    """
    ranked = {name: float(conf) for name, conf in ranking}
    ranked.setdefault(intent, float(confidence))
    return {
        "text": text,
        "intent": {"name": intent, "confidence": float(confidence)},
        "entities": [{"start": None, "end": None, "extractor": "khaacho", **dict(e)} for e in entities],
        "intent_ranking": [
            {"name": name, "confidence": conf}
            for name, conf in sorted(ranked.items(), key=lambda kv: kv[1], reverse=True)
        ],
        "text_tokens": _token_spans(text),
    }


def _token_spans(text: str) -> list[list[int]]:
    spans, start = [], None
    for i, ch in enumerate(text + " "):
        if ch.isspace():
            if start is not None:
                spans.append([start, i])
                start = None
        elif start is None:
            start = i
    return spans
