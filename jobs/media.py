"""Reading photos and voice notes in the worker: download, OCR or transcription, then back to the chat.

`process_media` claims queued media jobs (handlers/media.py queues them), reads each within
`media.timeout` off the event loop (threads for the CPU-heavy models), stores the text and hands it
back as an inbound message of provider "media" that the conversation handles in order. arq runs it
when a handler enqueues it and every few seconds from the schedule; fixtures run it on `advance:`.
Every step is idempotent: a job is claimed once, the result message has a fixed provider id.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp

from domain.media import IMAGE, media_kind
from jobs.media_fetch import MediaPolicy, MediaRejected, fetch_media, media_session
from nlu.media.asr import OpenAiTranscriber, PocketsphinxTranscriber, Transcriber, catalogue_prompt
from nlu.media.audio import UnreadableAudio
from nlu.media.extract import LlmExtractor
from nlu.media.ocr import OcrEngine, UnreadableImage, make_ocr
from nlu.normalize import prepare
from storage.repos.inbox import InboxRepository
from storage.repos.media import MediaJob, MediaJobRepository
from storage.repos.outbox import backoff

log = logging.getLogger(__name__)
MAX_TRIES = 3
BATCH = 2             # jobs claimed at a time
MAX_PER_RUN = 20      # jobs one run reads before returning (the next run goes on)
PERMANENT = (MediaRejected, UnreadableImage, UnreadableAudio)
RETRY_BASE, RETRY_CAP = timedelta(seconds=10), timedelta(minutes=5)  # waits between attempts: 10 s, 20 s, …


@dataclass
class Reading:
    lines: list[str]
    raw_text: str
    confidence: float
    backend: str


class MediaEngines:
    """The OCR, speech and extraction backends the configuration asks for, built once per worker."""

    def __init__(self, config: Any) -> None:
        media, secrets = config.media, config.secrets
        self.config = config
        self.ocr: OcrEngine = make_ocr(media.ocr, google_credentials=secrets.google_application_credentials,
                                       google_endpoint=media.google_endpoint or None)
        self.openai: Any = None
        if secrets.openai_api_key and (media.transcription != "pocketsphinx" or media.extraction != "off"):
            from openai import AsyncOpenAI

            self.openai = AsyncOpenAI(api_key=secrets.openai_api_key, base_url=secrets.openai_base_url,
                                      timeout=media.timeout.total_seconds(), max_retries=1)

    def transcriber(self, products: list[Any]) -> Transcriber:
        media = self.config.media
        if media.transcription == "openai" or (media.transcription == "auto" and self.openai is not None):
            if self.openai is None:
                raise RuntimeError("media.transcription is openai but OPENAI_API_KEY is not set")
            return OpenAiTranscriber(self.openai, media.openai_transcription_model, catalogue_prompt(products))
        return PocketsphinxTranscriber(products, max_seconds=media.max_voice_seconds)

    def extractor(self, products: list[Any]) -> LlmExtractor | None:
        media = self.config.media
        if media.extraction == "off" or self.openai is None:
            return None
        return LlmExtractor(self.openai, self.config.nlu.openai_model, products)

    async def close(self) -> None:
        if self.openai is not None:
            await self.openai.close()


def _unparsed(nlu: Any, lines: list[str]) -> list[str]:
    return [line for line in lines if not any(i.sku or i.ambiguous for i in nlu.pipeline.items(prepare(line)))]


async def read_media(engines: MediaEngines, nlu: Any, job: MediaJob, data: bytes, content_type: str) -> Reading:
    """The text of one photo or voice note; messy text is cleaned up by the LLM when one is configured."""
    products = nlu.pipeline.index.live_products()
    if job.kind == IMAGE:
        result = await asyncio.to_thread(engines.ocr.read, data)
        reading = Reading([line.text for line in result.lines], result.text, result.confidence, result.backend)
    else:
        transcript = await engines.transcriber(products).transcribe(data, content_type)
        lines = [transcript.text] if transcript.text else []
        reading = Reading(lines, transcript.text, transcript.confidence, transcript.backend)
    extractor = engines.extractor(products)
    if extractor is not None and reading.lines and _unparsed(nlu, reading.lines):
        try:
            items = await extractor.extract(reading.raw_text)
        except Exception:  # the plain reading still goes to the chat
            log.warning("LLM extraction failed", exc_info=True, extra={"media_job": job.id})
            items = []
        if items:
            reading.lines = [item.as_line() for item in items]
            reading.backend += "+llm"
    return reading


async def process_media(ctx: dict[str, Any]) -> int:
    """Read every queued photo and voice note (up to MAX_PER_RUN); returns how many were finished."""
    config, pool, clock = ctx["config"], ctx["pool"], ctx["clock"]
    if "media_engines" not in ctx:
        ctx["media_engines"] = MediaEngines(config)
    engines: MediaEngines = ctx["media_engines"]
    nlu = ctx["runtime"].nlu
    policy = MediaPolicy.from_secrets(config.secrets)
    finished = 0
    async with media_session(policy) as session:
        while finished < MAX_PER_RUN:
            async with pool.acquire() as conn, conn.transaction():
                jobs = await MediaJobRepository(conn).claim(clock.now(), stale_after=config.media.timeout * 3,
                                                            limit=BATCH)
            if not jobs:
                break
            for job in jobs:
                finished += await _run(ctx, engines, nlu, session, policy, job)
    return finished


async def _run(ctx: dict[str, Any], engines: MediaEngines, nlu: Any, session: aiohttp.ClientSession,
               policy: MediaPolicy, job: MediaJob) -> int:
    media = ctx["config"].media
    reading: Reading | None = None
    error = None
    try:
        data, served = await fetch_media(job.url, provider=job.provider, session=session, policy=policy,
                                         max_bytes=media.max_bytes)
        served_kind = media_kind(served)
        if served_kind is not None and served_kind != job.kind:
            raise MediaRejected(f"announced as {job.content_type}, served as {served}")
        reading = await asyncio.wait_for(read_media(engines, nlu, job, data, served or job.content_type),
                                         timeout=media.timeout.total_seconds())
    except PERMANENT as exc:
        error = f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # network, timeout, a cloud backend's error: tried again, then given up
        log.warning("media job failed", exc_info=True, extra={"media_job": job.id, "attempt": job.attempts})
        if job.attempts < MAX_TRIES:
            async with ctx["pool"].acquire() as conn:
                await MediaJobRepository(conn).retry_later(
                    job.id, f"{type(exc).__name__}: {exc}",
                    ctx["clock"].now() + backoff(job.attempts, RETRY_BASE, RETRY_CAP))
            return 0
        error = f"{type(exc).__name__}: {exc}"
    now = ctx["clock"].now()
    async with ctx["pool"].acquire() as conn, conn.transaction():
        repo = MediaJobRepository(conn)
        if reading is not None:
            await repo.finish(job.id, text="\n".join(reading.lines), raw_text=reading.raw_text,
                              lines=reading.lines, confidence=reading.confidence, backend=reading.backend, at=now)
        else:
            await repo.fail(job.id, error or "unknown error", now)
        await InboxRepository(conn).add(
            provider="media", provider_id=f"media-job:{job.id}", phone=job.phone,
            body="\n".join(reading.lines) if reading else "", media=[], profile_name=None,
            payload={"button_payload": f"media:{job.id}", "media_job": job.id}, received_at=now)
    log.info("media read", extra={"media_job": job.id, "ok": reading is not None,
                                  "backend": reading.backend if reading else None})
    await ctx["intake"].process(job.phone)
    return 1
