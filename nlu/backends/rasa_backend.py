"""Intent from a Rasa server's ``POST /model/parse``."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp

from nlu.backends import BackendResult

log = logging.getLogger(__name__)


class RasaBackend:
    def __init__(self, url: str, *, timeout: float = 5.0, token: str | None = None,
                 session: aiohttp.ClientSession | None = None) -> None:
        self.url = url.rstrip("/") + "/model/parse"
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.params = {"token": token} if token else {}
        self._session = session
        self._owns_session = session is None

    async def parse(self, text: str) -> BackendResult | None:
        try:
            if self._session is None:
                self._session = aiohttp.ClientSession()
            async with self._session.post(self.url, json={"text": text}, params=self.params,
                                          timeout=self.timeout) as resp:
                resp.raise_for_status()
                return from_rasa(await resp.json(content_type=None))
        except Exception as exc:  # any failure means "no answer", never an error for the caller
            log.warning("rasa backend failed: %s: %s", type(exc).__name__, exc)
            return None

    async def close(self) -> None:
        if self._session is not None and self._owns_session:
            await self._session.close()
        self._session = None


def from_rasa(body: Any) -> BackendResult:
    """(intent, confidence, entities) from a /model/parse response; ValueError when malformed."""
    intent = body.get("intent") if isinstance(body, dict) else None
    if not isinstance(intent, dict) or not isinstance(intent.get("name"), str):
        raise ValueError("response has no intent name")
    confidence = min(max(float(intent.get("confidence") or 0.0), 0.0), 1.0)
    entities = [
        {"entity": e.get("entity"), "value": e.get("value"), "start": e.get("start"), "end": e.get("end")}
        for e in body.get("entities") or [] if isinstance(e, dict)
    ]
    return intent["name"], confidence, entities
