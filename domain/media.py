"""Photos and voice notes a retailer sent, as the worker reads them and the handlers hand back."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MediaJob:
    """One photo or voice note waiting for OCR or transcription, or what was read from it."""

    id: int
    inbound_id: int
    phone: str
    kind: str                   # image | audio
    url: str
    content_type: str
    status: str
    attempts: int
    provider: str = ""
    text: str | None = None
    raw_text: str | None = None
    lines: list[str] = field(default_factory=list)
    confidence: float | None = None
    backend: str | None = None
    error: str | None = None
