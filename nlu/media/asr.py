"""Speech to text for voice notes: OpenAI's transcription API when configured, pocketsphinx otherwise.

Both return a `Transcript` with a confidence in [0, 1]; the caller reads an unsure one back to the
shop owner before ordering anything from it.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from domain.catalog import Product
from nlu.media.audio import RATE, decode_audio
from nlu.media.grammar import build_grammar

FILLERS = {"<s>", "</s>", "<sil>", "[NOISE]", "<SIL>"}


@dataclass(frozen=True)
class Transcript:
    text: str
    confidence: float
    backend: str


class Transcriber(Protocol):
    name: str

    async def transcribe(self, data: bytes, content_type: str = "audio/ogg") -> Transcript: ...


class PocketsphinxTranscriber:
    """The embedded default: CMU pocketsphinx's English model held to a grammar built from the catalogue.

    One decoder per catalogue (they take a second to build); a lock serialises its use.
    """

    name = "pocketsphinx"
    _cache: dict[str, tuple[Any, threading.Lock]] = {}
    _cache_lock = threading.Lock()

    # search limits: the default (30000 HMMs a frame) takes tens of seconds on a 500-word grammar
    OPTIONS: dict[str, Any] = {"maxhmmpf": 3000, "maxwpf": 10, "beam": 1e-40, "wbeam": 1e-30}

    def __init__(self, products: Iterable[Product], max_seconds: float = 180.0,
                 options: dict[str, Any] | None = None) -> None:
        self.products = list(products)
        self.max_seconds = max_seconds
        self.options = {**self.OPTIONS, **(options or {})}
        self._key = hashlib.sha1(("\n".join(
            f"{p.sku}|{p.name}|{'|'.join(p.aliases)}" for p in self.products) + repr(sorted(self.options.items()))
        ).encode()).hexdigest()

    def _decoder(self) -> tuple[Any, threading.Lock]:
        with self._cache_lock:
            if self._key not in self._cache:
                from pocketsphinx import Decoder

                decoder = Decoder(samprate=RATE, lm=None, loglevel="FATAL", **self.options)
                grammar = build_grammar(self.products, known=lambda w: decoder.lookup_word(w) is not None)
                for word, phones in grammar.new_words.items():
                    decoder.add_word(word, phones, False)
                decoder.add_jsgf_string("order", grammar.jsgf)
                decoder.activate_search("order")
                self._cache.clear()  # only the current catalogue's decoder is kept
                self._cache[self._key] = (decoder, threading.Lock())
            return self._cache[self._key]

    def transcribe_samples(self, samples: Sequence[int] | Any) -> Transcript:
        import numpy as np

        decoder, lock = self._decoder()
        pcm = np.asarray(samples, dtype=np.int16).tobytes()
        with lock:
            decoder.start_utt()
            decoder.process_raw(pcm, full_utt=True)
            decoder.end_utt()
            hyp = decoder.hyp()
            posteriors = [seg.prob for seg in decoder.seg() if seg.word not in FILLERS] if hyp else []
        if hyp is None or not hyp.hypstr.strip():
            return Transcript("", 0.0, self.name)
        # the geometric mean of the words' posterior probabilities from the lattice
        confidence = math.exp(sum(math.log(max(p, 1e-6)) for p in posteriors) / len(posteriors)) if posteriors else 0.0
        return Transcript(hyp.hypstr.strip(), round(min(1.0, confidence), 3), self.name)

    def transcribe_sync(self, data: bytes) -> Transcript:
        return self.transcribe_samples(decode_audio(data, max_seconds=self.max_seconds))

    async def transcribe(self, data: bytes, content_type: str = "audio/ogg") -> Transcript:
        return await asyncio.to_thread(self.transcribe_sync, data)


_EXTENSIONS = {"audio/ogg": "ogg", "audio/opus": "ogg", "audio/mpeg": "mp3", "audio/mp4": "m4a",
               "audio/aac": "m4a", "audio/amr": "amr", "audio/wav": "wav", "audio/x-wav": "wav",
               "audio/webm": "webm"}


class OpenAiTranscriber:
    """OpenAI's `audio.transcriptions` endpoint; the catalogue's product words go in the prompt."""

    name = "openai"

    def __init__(self, client: Any, model: str = "gpt-4o-mini-transcribe", prompt: str = "",
                 default_confidence: float = 0.9) -> None:
        self.client = client             # an openai.AsyncOpenAI
        self.model = model
        self.prompt = prompt
        self.default_confidence = default_confidence

    async def transcribe(self, data: bytes, content_type: str = "audio/ogg") -> Transcript:
        kind = content_type.split(";")[0].strip().lower()
        filename = f"voice.{_EXTENSIONS.get(kind, 'ogg')}"
        kwargs: dict[str, Any] = {"model": self.model, "file": (filename, data, kind or "audio/ogg"),
                                  "response_format": "json"}
        if self.prompt:
            kwargs["prompt"] = self.prompt
        if not self.model.startswith("whisper"):
            kwargs["include"] = ["logprobs"]
        result = await self.client.audio.transcriptions.create(**kwargs)
        text = (getattr(result, "text", None) or "").strip()
        logprobs = [lp.logprob for lp in (getattr(result, "logprobs", None) or []) if lp.logprob is not None]
        if not text:
            return Transcript("", 0.0, self.name)
        confidence = math.exp(sum(logprobs) / len(logprobs)) if logprobs else self.default_confidence
        return Transcript(text, round(confidence, 3), self.name)


def catalogue_prompt(products: Iterable[Product], limit: int = 120) -> str:
    """A short prompt naming products, so the cloud model spells them like the catalogue."""
    names = list(dict.fromkeys(a for p in products for a in (p.name, *p.aliases[:1]) if a.isascii()))
    return "Grocery order. Products: " + ", ".join(names[:limit]) + "."
