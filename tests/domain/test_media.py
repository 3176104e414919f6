"""One rule for the kind of a MIME type, shared by the webhook handler and the media worker."""

import pytest

from domain.media import AUDIO, IMAGE, media_kind


@pytest.mark.parametrize(("content_type", "kind"), [
    ("image/jpeg", IMAGE), ("IMAGE/PNG", IMAGE), ("image/webp; q=1", IMAGE),
    ("audio/ogg", AUDIO), ("audio/ogg; codecs=opus", AUDIO), ("video/ogg", AUDIO), ("audio/x-wav", AUDIO),
    ("image/tiff", None), ("image/heic", None), ("audio/flac", None), ("application/ogg", None),
    ("video/mp4", None), ("application/pdf", None), ("", None), ("image", None),
])
def test_media_kind(content_type: str, kind: str | None) -> None:
    assert media_kind(content_type) == kind
