"""Voice notes: Ogg/Opus decoding, the embedded pocketsphinx default, OpenAI against a local stub."""

from __future__ import annotations

import csv
import math
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest
from openai import AsyncOpenAI

from domain.catalog import product_from_row
from nlu.media.asr import OpenAiTranscriber, PocketsphinxTranscriber, catalogue_prompt
from nlu.media.audio import RATE, UnreadableAudio, decode_audio, encode_ogg_opus, read_wav
from nlu.media.extract import ExtractedItem, ExtractionError, LlmExtractor, parse_items
from nlu.media.grammar import build_grammar, romanised_phones, spoken_phrases
from tests.support.cloud_stubs import OpenAiStub, serve

ROOT = Path(__file__).resolve().parents[2]
PRODUCTS = [product_from_row(r) for r in csv.DictReader((ROOT / "data/catalog/demo.csv").open(encoding="utf-8"))]
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="apt-get install espeak-ng")


def tone(seconds: float, rate: int = 22050) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (np.sin(2 * math.pi * 440 * t) * 8000).astype(np.int16)


def speak(text: str) -> bytes:
    wav = subprocess.run(["espeak-ng", "--stdout", text], capture_output=True, check=True).stdout
    samples, rate = read_wav(wav)
    return encode_ogg_opus(samples, rate)


def test_media_ogg_opus_round_trip_is_16k_mono() -> None:
    ogg = encode_ogg_opus(tone(1.5), 22050)
    assert ogg[:4] == b"OggS" and b"OpusHead" in ogg[:200]
    samples = decode_audio(ogg)
    assert samples.dtype == np.int16
    assert abs(samples.size - 1.5 * RATE) < 0.05 * RATE
    assert np.abs(samples).max() > 3000  # the tone survived the codec


def test_media_decode_refuses_long_and_broken_audio() -> None:
    with pytest.raises(UnreadableAudio, match="longer"):
        decode_audio(encode_ogg_opus(tone(3.0), 22050), max_seconds=1.0)
    with pytest.raises(UnreadableAudio):
        decode_audio(b"\x89PNG\r\n\x1a\n not audio")


def test_media_grammar_covers_catalogue_numbers_and_units() -> None:
    grammar = build_grammar(PRODUCTS, known=lambda w: w not in {"chini", "masino"})
    assert "coca cola" in spoken_phrases(next(p for p in PRODUCTS if "coca cola" in p.aliases))
    for word in ("sugar", "chini", "packets", "crate", "twenty", "hundred", "half"):
        assert word in grammar.words
    assert grammar.new_words["chini"] == romanised_phones("chini") == "CH IY N IY"
    assert grammar.jsgf.startswith("#JSGF V1.0;")


@needs_espeak
def test_media_pocketsphinx_transcribes_a_spoken_order() -> None:
    transcript = PocketsphinxTranscriber(PRODUCTS).transcribe_sync(speak("five kilo basmati rice"))
    assert transcript.text == "five kilo basmati rice"
    assert transcript.backend == "pocketsphinx" and 0.5 < transcript.confidence <= 1


@pytest.fixture
async def openai_stub() -> AsyncIterator[tuple[OpenAiStub, AsyncOpenAI]]:
    stub = OpenAiStub(transcript="two kilo chini and five packet wai wai")
    runner, base = await serve(stub.app())
    client = AsyncOpenAI(api_key="sk-test", base_url=f"{base}/v1", max_retries=0)
    yield stub, client
    await client.close()
    await runner.cleanup()


async def test_media_openai_transcription_sends_the_voice_note(openai_stub: tuple[OpenAiStub, AsyncOpenAI]) -> None:
    stub, client = openai_stub
    ogg = encode_ogg_opus(tone(0.5), 22050)
    transcriber = OpenAiTranscriber(client, prompt=catalogue_prompt(PRODUCTS))
    transcript = await transcriber.transcribe(ogg, "audio/ogg; codecs=opus")
    assert transcript.text == "two kilo chini and five packet wai wai"
    assert transcript.confidence == pytest.approx(math.exp(sum(stub.logprobs) / 3), abs=1e-3)
    assert stub.rejected == []
    (upload,) = stub.uploads
    assert upload["model"] == "gpt-4o-mini-transcribe" and upload["size"] == len(ogg)
    assert upload["response_format"] == "json" and "Sugar" in upload["prompt"]


async def test_media_openai_stub_refuses_a_wrong_key(openai_stub: tuple[OpenAiStub, AsyncOpenAI]) -> None:
    stub, client = openai_stub
    bad = client.with_options(api_key="sk-wrong")
    with pytest.raises(Exception):  # noqa: B017 - openai.AuthenticationError
        await OpenAiTranscriber(bad).transcribe(encode_ogg_opus(tone(0.3), 22050))
    assert stub.uploads == [] and stub.rejected


async def test_media_llm_extraction_asks_for_schema_json(openai_stub: tuple[OpenAiStub, AsyncOpenAI]) -> None:
    stub, client = openai_stub
    stub.completion = ('{"items": [{"product": "Sugar (loose)", "quantity": 2, "unit": "kg"},'
                       ' {"product": "Wai Wai", "quantity": 5, "unit": "packet"}]}')
    items = await LlmExtractor(client, products=PRODUCTS).extract("2 kg sugr\n5 pkt waiwai")
    assert [i.as_line() for i in items] == ["2 kg Sugar (loose)", "5 packet Wai Wai"]
    (chat,) = stub.chats
    assert chat["messages"][1] == {"role": "user", "content": "2 kg sugr\n5 pkt waiwai"}
    assert "Sugar (loose)" in chat["messages"][0]["content"]
    assert chat["response_format"]["json_schema"]["strict"] is True


def test_media_llm_answers_are_checked() -> None:
    assert parse_items('{"items": [{"product": "x", "quantity": -1, "unit": ""},'
                       ' {"product": "chini", "quantity": 1.5, "unit": "kg"}]}') == [
        ExtractedItem("chini", 1.5, "kg")]
    with pytest.raises(ExtractionError):
        parse_items("Sure! Here are your items")
