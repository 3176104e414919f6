"""The NLU pipeline as the running product uses it: the catalogue from the database, kept fresh."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from pathlib import Path
from typing import Any

import asyncpg

from bot.config import Config
from nlu.backends import Backend, make_backend
from nlu.catalog_index import CatalogIndex
from nlu.intent import load_or_train
from nlu.normalize import prepare
from nlu.pipeline import ITEM_INTENTS, OUT_OF_SCOPE, NluPipeline
from nlu.types import Parse
from storage import metrics
from storage.catalog_feed import CatalogListener
from storage.repos.products import FeedPosition, ProductRepository

log = logging.getLogger(__name__)
_POLL_AT_LEAST = 1.0  # seconds between polls of the change feed, whatever check_every says


class NluService:
    def __init__(self, pipeline: NluPipeline, position: FeedPosition, check_every: float,
                 backend: Backend | None = None) -> None:
        self.pipeline = pipeline
        self.backend = backend  # asked only when the local pipeline is unsure (nlu.backend)
        self._position = position
        self._check_every = check_every
        self._checked_at = time.monotonic()
        self._lock = asyncio.Lock()
        self._listener = CatalogListener()
        self._follower: asyncio.Task[None] | None = None

    @classmethod
    async def load(cls, pool: asyncpg.Pool, config: Config, *, model_dir: Path | None = None,
                   check_every: float = 5.0) -> NluService:
        """Train or load the intent model and its sentence embedding (off the event loop) and index
        the catalogue."""
        classifier = await asyncio.to_thread(load_or_train, None, model_dir)
        async with pool.acquire() as conn:
            repo = ProductRepository(conn)
            products, position = await repo.all_with_position()
        index = await asyncio.to_thread(CatalogIndex, products)
        pipeline = NluPipeline(classifier, index, threshold=config.nlu.intent_threshold)
        await asyncio.to_thread(pipeline.parse, "namaste, 2 kg chini")  # loads the tokenizer now, not on a message
        await asyncio.to_thread(classifier.load_embedder)  # and the sentence embedding (seconds), for unsure ones
        secrets = config.secrets
        backend = make_backend(config.nlu.backend, rasa_url=config.nlu.rasa_url, openai_model=config.nlu.openai_model,
                               openai_api_key=secrets.openai_api_key, openai_base_url=secrets.openai_base_url)
        return cls(pipeline, position, check_every, backend)

    async def understand(self, text: str) -> Parse:
        """The local parse; when it is unsure and a backend is configured, the backend's intent (and
        items, resolved against our catalogue) instead. Any backend failure leaves the local parse."""
        parse = self.parse(text)
        if self.backend is None or parse.intent != OUT_OF_SCOPE or not text.strip():
            return parse
        answer = await self.backend.parse(text)
        if answer is None or answer[0] == OUT_OF_SCOPE or answer[1] < self.pipeline.threshold:
            return parse
        intent, confidence, items = answer
        resolved = parse.items or [item for said in items for item in self.pipeline.items(prepare(_item_text(said)))]
        return dataclasses.replace(parse, intent=intent, confidence=round(confidence, 3),
                                   items=resolved if intent in ITEM_INTENTS else [])

    async def follow(self, pool: asyncpg.Pool, database_url: str) -> None:
        """Apply catalogue changes as they are committed: at each NOTIFY product_changes, and every
        `check_every` seconds in case one was missed (until close)."""
        await self._listener.start(database_url)

        async def run() -> None:
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._listener.changed.wait(), max(self._check_every, _POLL_AT_LEAST))
                self._listener.changed.clear()
                try:
                    await self.refresh(pool, force=True)
                except (OSError, asyncpg.PostgresError) as exc:  # the next wake-up tries again
                    log.warning("catalogue refresh failed: %r", exc)

        self._follower = asyncio.create_task(run())

    async def close(self) -> None:
        if self._follower is not None:
            self._follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._follower
            self._follower = None
        await self._listener.close()
        if self.backend is not None:
            await self.backend.close()

    def parse(self, text: str) -> Parse:
        with metrics.timed(metrics.NLU_SECONDS):
            return self.pipeline.parse(text)

    async def refresh(self, pool: asyncpg.Pool, *, force: bool = False) -> bool:
        """Apply the catalogue's changes since the last refresh to the index (no rebuild); checked
        at most every `check_every` seconds unless forced. True if anything changed."""
        if not force and time.monotonic() - self._checked_at < self._check_every:
            return False
        async with self._lock:
            self._checked_at = time.monotonic()
            async with pool.acquire() as conn:
                changes = await ProductRepository(conn).changes_since(self._position)
                if changes.reset:
                    products, self._position = await ProductRepository(conn).all_with_position()
            if changes.reset:
                await asyncio.to_thread(self.pipeline.update_catalog, products)
                return True
            if changes.upserts or changes.removed:
                await asyncio.to_thread(self.pipeline.apply_changes, changes.upserts, changes.removed)
            moved = changes.upserts or changes.removed
            self._position = changes.position
            return bool(moved)



def _item_text(item: dict[str, Any]) -> str:
    """A backend's item as the words a shop owner would type: "2 kg chini"."""
    words = [str(item.get(k) or "") for k in ("quantity", "unit")] + [str(item.get("name") or item.get("sku") or "")]
    return " ".join(w for w in words if w)
