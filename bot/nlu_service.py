"""The NLU pipeline as the running product uses it: the catalogue from the database, kept fresh."""

from __future__ import annotations

import asyncio
import dataclasses
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
from storage.repos.products import ProductRepository


class NluService:
    def __init__(self, pipeline: NluPipeline, catalog_version: str, check_every: float,
                 backend: Backend | None = None) -> None:
        self.pipeline = pipeline
        self.backend = backend  # asked only when the local pipeline is unsure (nlu.backend)
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
        threshold = config.nlu.intent_threshold
        pipeline = NluPipeline(classifier, index, threshold=classifier.threshold if threshold is None else threshold)
        await asyncio.to_thread(pipeline.parse, "namaste, 2 kg chini")  # loads the tokenizer now, not on a message
        secrets = config.secrets
        backend = make_backend(config.nlu.backend, rasa_url=config.nlu.rasa_url, openai_model=config.nlu.openai_model,
                               openai_api_key=secrets.openai_api_key, openai_base_url=secrets.openai_base_url)
        return cls(pipeline, version, check_every, backend)

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

    async def close(self) -> None:
        if self.backend is not None:
            await self.backend.close()

    def parse(self, text: str) -> Parse:
        with metrics.timed(metrics.NLU_SECONDS):
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



def _item_text(item: dict[str, Any]) -> str:
    """A backend's item as the words a shop owner would type: "2 kg chini"."""
    words = [str(item.get(k) or "") for k in ("quantity", "unit")] + [str(item.get("name") or item.get("sku") or "")]
    return " ".join(w for w in words if w)
