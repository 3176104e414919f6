"""The NLU pipeline as the running product uses it: the catalogue from the database, kept fresh."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import asyncpg

from bot.config import Config
from nlu.catalog_index import CatalogIndex
from nlu.intent import load_or_train
from nlu.pipeline import NluPipeline
from nlu.types import Parse
from storage.repos.products import ProductRepository


class NluService:
    def __init__(self, pipeline: NluPipeline, catalog_version: str, check_every: float) -> None:
        self.pipeline = pipeline
        self._version = catalog_version
        self._check_every = check_every
        self._checked_at = time.monotonic()

    @classmethod
    async def load(cls, pool: asyncpg.Pool, config: Config, *, model_dir: Path | None = None,
                   check_every: float = 5.0) -> NluService:
        """Train or load the intent model (off the event loop) and index the catalogue."""
        classifier = await asyncio.to_thread(load_or_train, None, model_dir)
        async with pool.acquire() as conn:
            repo = ProductRepository(conn)
            products, version = await repo.all(), await repo.version()
        index = await asyncio.to_thread(CatalogIndex, products)
        pipeline = NluPipeline(classifier, index, threshold=config.nlu.intent_threshold)
        await asyncio.to_thread(pipeline.parse, "namaste, 2 kg chini")  # loads the tokenizer now, not on a message
        return cls(pipeline, version, check_every)

    def parse(self, text: str) -> Parse:
        return self.pipeline.parse(text)

    async def refresh(self, pool: asyncpg.Pool, *, force: bool = False) -> bool:
        """Re-index when the catalogue changed; checked at most every `check_every` seconds."""
        if not force and time.monotonic() - self._checked_at < self._check_every:
            return False
        self._checked_at = time.monotonic()
        async with pool.acquire() as conn:
            repo = ProductRepository(conn)
            version = await repo.version()
            if version == self._version:
                return False
            products = await repo.all()
        await asyncio.to_thread(self.pipeline.update_catalog, products)
        self._version = version
        return True

    def as_dict(self, parse: Parse) -> dict[str, Any]:
        return {"intent": parse.intent, "confidence": parse.confidence}
