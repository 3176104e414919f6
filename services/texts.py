"""Reply texts, one YAML file per language under data/messages/; nothing user-facing lives in code."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from domain.orders import OrderStatus
from domain.reasons import Reason

MESSAGES = Path(__file__).resolve().parent.parent / "data" / "messages"
FALLBACK_LANGUAGE = "en"

REASON_KEYS: dict[Reason, str] = {
    Reason.NO_VENDOR_ANSWERED: "reason_no_vendor_answered",
    Reason.NO_VENDOR_CAN_SUPPLY: "reason_no_vendor_can_supply",
    Reason.NOT_DISPATCHED: "reason_not_dispatched",
    Reason.NOT_DELIVERED: "reason_not_delivered",
    Reason.NOT_APPROVED: "reason_not_approved",
    Reason.QUEUE_RELEASED: "reason_queue_released",
    Reason.VENDOR_LEFT_OUT: "reason_vendor_left_out",
}
"""The one mapping from a reason code to the words people read."""


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
        return template.format(**{k: self.words(v, language) for k, v in params.items()}).strip()

    def words(self, value: Any, language: str | None) -> Any:
        """Codes passed as parameters (reasons, order statuses) become words in `language`: no
        internal name reaches a reader."""
        if isinstance(value, Reason):
            return self.render(REASON_KEYS[value], language)
        if isinstance(value, OrderStatus):
            return self.render(f"status_{value.value.lower()}", language)
        return value


@lru_cache(maxsize=1)
def default_texts() -> Texts:
    return Texts()
