"""Optional remote intent backends, asked when the local pipeline is unsure.

Each backend has ``async parse(text) -> (intent, confidence, items_as_dicts) | None``: None on any
failure (logged), never an exception into the caller. The product works with neither.
"""

from __future__ import annotations

from typing import Protocol

BackendResult = tuple[str, float, list[dict]]


class Backend(Protocol):
    async def parse(self, text: str) -> BackendResult | None: ...

    async def close(self) -> None: ...


def make_backend(
    kind: str,
    *,
    rasa_url: str = "http://127.0.0.1:5005",
    openai_model: str = "gpt-4o-mini",
    openai_api_key: str | None = None,
    openai_base_url: str | None = None,
    timeout: float = 5.0,
) -> Backend | None:
    """The backend named in config (``nlu.backend``): "local" (none), "openai" or "rasa"."""
    if kind == "local":
        return None
    if kind == "rasa":
        from nlu.backends.rasa_backend import RasaBackend

        return RasaBackend(rasa_url, timeout=timeout)
    if kind == "openai":
        if not openai_api_key:
            raise ValueError("nlu.backend is openai but no OpenAI API key is set")
        from nlu.backends.openai_backend import OpenAIBackend

        return OpenAIBackend(api_key=openai_api_key, base_url=openai_base_url, model=openai_model,
                             timeout=timeout)
    raise ValueError(f"unknown NLU backend {kind!r} (local, openai, rasa)")
