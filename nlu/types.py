"""What the NLU pipeline hands to the dispatcher and handlers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Candidate:
    sku: str
    name: str
    score: float


@dataclass
class ParsedItem:
    text: str  # the span of the message this item came from
    sku: str | None  # best match, None when unknown or ambiguous
    name: str | None
    quantity: float | None  # in `unit`; None when the message gave no quantity
    unit: str | None  # the unit of the chosen product (selling unit) after conversion
    score: float  # match score 0-100 of the best candidate
    candidates: list[Candidate] = field(default_factory=list)  # best first
    ambiguous: bool = False


@dataclass
class Question:
    """A question asked beside an order ("dal chaina, chini 5 kg pathaidinu"): answered with it."""

    intent: str  # inquiry_price | inquiry_stock
    items: list[ParsedItem] = field(default_factory=list)


@dataclass
class Parse:
    text: str
    normalized: str
    language: str
    intent: str
    confidence: float
    items: list[ParsedItem] = field(default_factory=list)
    entities: dict[str, object] = field(default_factory=dict)
    question: Question | None = None  # an order's message also asked this (nlu.compound)
