"""Reply texts, one YAML file per language under data/messages/; nothing user-facing lives in code."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

MESSAGES = Path(__file__).resolve().parent.parent / "data" / "messages"
FALLBACK_LANGUAGE = "en"


class Texts:
    def __init__(self, folder: Path = MESSAGES) -> None:
        self._by_language: dict[str, dict[str, str]] = {
            path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for path in sorted(folder.glob("*.yml"))
        }
        if FALLBACK_LANGUAGE not in self._by_language:
            raise FileNotFoundError(f"{folder}/{FALLBACK_LANGUAGE}.yml is required")

    @property
    def languages(self) -> list[str]:
        return list(self._by_language)

    def has(self, key: str) -> bool:
        return key in self._by_language[FALLBACK_LANGUAGE]

    def render(self, key: str, language: str | None = None, **params: Any) -> str:
        """The text for `key` in `language` (English when that language lacks it), filled in."""
        table = self._by_language.get(language or FALLBACK_LANGUAGE, {})
        template = table.get(key) or self._by_language[FALLBACK_LANGUAGE].get(key)
        if template is None:
            raise KeyError(f"no message text {key!r} in data/messages/{FALLBACK_LANGUAGE}.yml")
        return template.format(**params).strip()


@lru_cache(maxsize=1)
def default_texts() -> Texts:
    return Texts()
