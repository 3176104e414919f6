"""Which backends the worker uses: embedded defaults with no keys, cloud ones when configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobs.media import MediaEngines
from nlu.media.asr import OpenAiTranscriber, PocketsphinxTranscriber
from nlu.media.ocr import GoogleVisionOcr
from tests.conftest import make_config
from tests.support.cloud_stubs import FakeServiceAccount


async def test_media_embedded_defaults_without_keys() -> None:
    engines = MediaEngines(make_config(OPENAI_API_KEY="", GOOGLE_APPLICATION_CREDENTIALS=""))
    assert engines.ocr.name == "rapidocr"
    assert isinstance(engines.transcriber([]), PocketsphinxTranscriber)
    assert engines.extractor([]) is None


async def test_media_cloud_backends_when_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    account = FakeServiceAccount.create(tmp_path, token_uri="http://127.0.0.1:9/token")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(account.path))
    config = make_config(OPENAI_API_KEY="sk-test", OPENAI_BASE_URL="http://127.0.0.1:9/v1",
                         GOOGLE_APPLICATION_CREDENTIALS=str(account.path))
    engines = MediaEngines(config)
    try:
        assert isinstance(engines.ocr, GoogleVisionOcr)
        assert isinstance(engines.transcriber([]), OpenAiTranscriber)
        assert engines.extractor([]) is not None
    finally:
        await engines.close()
