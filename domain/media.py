"""What kind of media a MIME type is, for reading it: a photo (OCR) or a voice note (speech).

    media_kind("image/jpeg") -> "image"      media_kind("audio/ogg; codecs=opus") -> "audio"
    media_kind("video/mp4")  -> None         (neither: not read)

Only the formats the readers take count; a type outside both lists is no kind at all, both when a
message arrives (it is answered as unsupported) and when the provider serves the file (nothing to
compare with the kind it was announced as).
"""

from __future__ import annotations

IMAGE = "image"
AUDIO = "audio"
IMAGE_TYPES = frozenset({"image/jpeg", "image/jpg", "image/png", "image/webp", "image/bmp", "image/gif"})
AUDIO_TYPES = frozenset({"audio/ogg", "audio/opus", "audio/mpeg", "audio/mp4", "audio/aac", "audio/amr",
                         "audio/wav", "audio/x-wav", "audio/webm", "video/ogg"})


def media_kind(content_type: str) -> str | None:
    """IMAGE, AUDIO or None for a Content-Type (parameters and case ignored)."""
    base = content_type.split(";")[0].strip().lower()
    return IMAGE if base in IMAGE_TYPES else AUDIO if base in AUDIO_TYPES else None
