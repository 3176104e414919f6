"""languages.default and languages.supported accept the reply languages only, and the default must be supported."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import LANGUAGES, ConfigError, load_config


def load(tmp_path: Path, text: str):
    path = tmp_path / "config.yml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, {})


def test_the_shipped_config_supports_every_language() -> None:
    assert load_config(env={}).languages.supported == list(LANGUAGES)


def test_hindi_can_be_the_default(tmp_path: Path) -> None:
    config = load(tmp_path, "languages: {default: hi-deva, supported: [hi, hi-deva, en]}")
    assert config.languages.default == "hi-deva"


@pytest.mark.parametrize(("text", "key"), [
    ("languages: {default: hindi}", "languages.default:"),
    ("languages: {supported: [en, hindi]}", "languages.supported:"),
    ("languages: {supported: [en, [ne]]}", "languages.supported:"),
    ("languages: {default: hi, supported: [en, ne]}", "languages.default:"),
])
def test_unknown_or_unsupported_languages_are_one_clear_line(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    assert sum(line.startswith(key) for line in caught.value.problems) == 1, caught.value.problems
