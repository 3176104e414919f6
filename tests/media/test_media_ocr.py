"""Text from images: the embedded rapidocr default and Cloud Vision against a local stub."""

from __future__ import annotations

import asyncio
import base64
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from PIL import Image, ImageDraw, ImageFont

from nlu.media.ocr import GoogleVisionOcr, OcrLine, RapidOcr, UnreadableImage, make_ocr, reading_order
from tests.support.cloud_stubs import FakeServiceAccount, VisionStub

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LINES = ["2 kg sugar", "5 packet Wai Wai noodles", "1 crate Coca Cola"]


def render(lines: list[str], fmt: str = "PNG") -> bytes:
    img = Image.new("RGB", (760, 90 + 80 * len(lines)), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 42)
    for i, line in enumerate(lines):
        draw.text((30, 40 + 80 * i), line, fill="black", font=font)
    out = io.BytesIO()
    img.save(out, fmt)
    return out.getvalue()


def test_media_rapidocr_reads_a_rendered_list_in_order() -> None:
    result = RapidOcr().read(render(LINES))
    assert [line.text.lower() for line in result.lines] == [line.lower() for line in LINES]
    assert result.backend == "rapidocr"
    assert all(0.5 <= line.confidence <= 1 for line in result.lines)


def test_media_rapidocr_rejects_what_is_not_an_image() -> None:
    with pytest.raises(UnreadableImage):
        RapidOcr().read(b"OggS\x00 not an image")


def test_media_reading_order_joins_fragments_of_one_row() -> None:
    fragments = [
        OcrLine("noodles", 0.9, (300, 102, 420, 140)),
        OcrLine("2 kg sugar", 0.8, (10, 20, 200, 60)),
        OcrLine("5 packet", 0.95, (10, 100, 180, 138)),
    ]
    lines = reading_order(fragments)
    assert [line.text for line in lines] == ["2 kg sugar", "5 packet noodles"]
    assert lines[1].confidence == 0.9


def test_media_auto_backend_is_rapidocr_without_credentials() -> None:
    assert make_ocr("auto").name == "rapidocr"


@pytest.fixture
async def vision(tmp_path: Path) -> AsyncIterator[tuple[VisionStub, str, FakeServiceAccount]]:
    stub = VisionStub(text="2 kg chini\n5 packet wai wai\n")
    runner = web.AppRunner(stub.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    base = f"http://127.0.0.1:{port}"
    account = FakeServiceAccount.create(tmp_path, token_uri=f"{base}/token")
    stub.account_public_pem = account.public_pem
    yield stub, base, account
    await runner.cleanup()


async def test_media_google_vision_sends_the_image_signed_and_returns_lines(
        vision: tuple[VisionStub, str, FakeServiceAccount], monkeypatch: pytest.MonkeyPatch) -> None:
    stub, base, account = vision
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(account.path))
    engine = make_ocr("auto", google_credentials=str(account.path), google_endpoint=base)
    assert isinstance(engine, GoogleVisionOcr)
    image = render(["2 kg chini"])
    result = await asyncio.to_thread(engine.read, image)
    assert [line.text for line in result.lines] == ["2 kg chini", "5 packet wai wai"]
    assert result.backend == "google" and result.confidence == pytest.approx(0.9)
    assert stub.rejected == []
    (sent,) = stub.requests
    assert base64.b64decode(sent["requests"][0]["image"]["content"]) == image


async def test_media_google_vision_stub_refuses_a_foreign_key(
        vision: tuple[VisionStub, str, FakeServiceAccount], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    stub, base, _ = vision
    other = FakeServiceAccount.create(tmp_path / "..", token_uri=f"{base}/token")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(other.path))
    engine = make_ocr("google", google_endpoint=base)
    with pytest.raises(Exception):  # noqa: B017 - google-api-core raises its own hierarchy
        await asyncio.to_thread(engine.read, render(["1 kg chini"]))
    assert stub.requests == [] and stub.rejected
