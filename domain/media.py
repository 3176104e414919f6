"""Photos and voice notes: what kind a MIME type is, and the jobs that read them.

A kind is what the media is for reading: a photo (OCR) or a voice note (speech).

    media_kind("image/jpeg") -> "image"      media_kind("audio/ogg; codecs=opus") -> "audio"
    media_kind("video/mp4")  -> None         (neither: not read)

Only the formats the readers take count; a type outside both lists is no kind at all, both when a
message arrives (it is answered as unsupported) and when the provider serves the file (nothing to
compare with the kind it was announced as).
"""

from __future__ import annotations

from dataclasses import dataclass, field

IMAGE = "image"
AUDIO = "audio"
IMAGE_TYPES = frozenset({"image/jpeg", "image/jpg", "image/png", "image/webp", "image/bmp", "image/gif"})
AUDIO_TYPES = frozenset({"audio/ogg", "audio/opus", "audio/mpeg", "audio/mp4", "audio/aac", "audio/amr",
                         "audio/wav", "audio/x-wav", "audio/webm", "video/ogg"})


def media_kind(content_type: str) -> str | None:
    """IMAGE, AUDIO or None for a Content-Type (parameters and case ignored)."""
    base = content_type.split(";")[0].strip().lower()
    return IMAGE if base in IMAGE_TYPES else AUDIO if base in AUDIO_TYPES else None


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
