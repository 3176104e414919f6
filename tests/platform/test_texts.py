"""data/messages: every file loads, every translation has exactly the English keys and placeholders, every reply
language the config accepts has a file and a name, and every key the code sends exists.

Keys the code sends are collected from the source of handlers/, storage/, jobs/ and bot/ with `ast`: the key
argument of reply("key", …), notify(phone, "key", …), notify_admins("key", …), tell(notifier, phone, "key", …)
and texts.render("key", …). Where that argument is not a plain string the string literals inside it are taken
(`"a" if x else "b"`), a `key` variable's assigned literals, a module-level dict's values (`ANSWER_KEYS[…]`),
and an f-string's literal prefix (`f"status_{…}"`) must start at least one English key.
"""

from __future__ import annotations

import ast
import string
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.config import LANGUAGES
from handlers.language import LANGUAGE_NAMES
from services.texts import FALLBACK_LANGUAGE, MESSAGES

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("handlers", "services", "storage", "jobs", "bot")
TRANSLATIONS = tuple(sorted(p.stem for p in MESSAGES.glob("*.yml") if p.stem != FALLBACK_LANGUAGE))
# call name -> position of the key argument
KEY_ARGUMENT = {"reply": 0, "notify_admins": 0, "render": 0, "notify": 1, "tell": 2}


def load(language: str) -> dict[str, str]:
    return yaml.safe_load((MESSAGES / f"{language}.yml").read_text(encoding="utf-8"))


def placeholders(template: str) -> Counter[str]:
    return Counter(name for _, name, _, _ in string.Formatter().parse(template) if name is not None)


ENGLISH = load(FALLBACK_LANGUAGE)


@pytest.mark.parametrize("path", sorted(MESSAGES.glob("*.yml")), ids=lambda p: p.name)
def test_every_message_file_loads_as_flat_text(path: Path) -> None:
    table = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(table, dict) and table, f"{path.name} is empty or not a mapping"
    bad = sorted(key for key, text in table.items() if not isinstance(key, str) or not isinstance(text, str))
    assert not bad, f"{path.name}: not key: text pairs: {bad}"
    for key, text in table.items():
        placeholders(text)  # raises on unbalanced braces
        assert text.format(**dict.fromkeys(placeholders(text), "x")), f"{path.name}: {key} renders empty"


def test_every_reply_language_has_a_file_and_a_name() -> None:
    assert {FALLBACK_LANGUAGE, *TRANSLATIONS} == set(LANGUAGES) == set(LANGUAGE_NAMES)
    assert {"hi", "hi-deva", "ne", "ne-deva"} <= set(TRANSLATIONS)


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_translations_have_exactly_the_english_keys_and_placeholders(language: str) -> None:
    table = load(language)
    unknown = sorted(set(table) - set(ENGLISH))
    assert not unknown, f"{language}.yml has keys that en.yml lacks: {unknown}"
    missing = sorted(set(ENGLISH) - set(table))
    assert not missing, f"{language}.yml lacks keys that en.yml has: {missing}"
    wrong = {key: (sorted(placeholders(text).elements()), sorted(placeholders(ENGLISH[key]).elements()))
             for key, text in table.items() if placeholders(text) != placeholders(ENGLISH[key])}
    assert not wrong, f"{language}.yml placeholders differ from en.yml (theirs, English): {wrong}"


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


class _KeyCollector:
    """String literals used as message keys in one module."""

    def __init__(self, tree: ast.Module) -> None:
        self.keys: set[str] = set()
        self.prefixes: set[str] = set()
        self.dicts = {target.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                      and isinstance(node.value, ast.Dict) for target in node.targets if isinstance(target, ast.Name)}
        self.variables: dict[str, list[ast.expr]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == "key":
                        self.variables.setdefault(target.id, []).append(node.value)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and (name := _call_name(node)) in KEY_ARGUMENT:
                position = KEY_ARGUMENT[name]
                if name == "render" and not (isinstance(node.func, ast.Attribute)
                                             and isinstance(node.func.value, ast.Attribute)
                                             and node.func.value.attr == "texts"):
                    continue
                if len(node.args) > position:
                    self.collect(node.args[position])

    def collect(self, expr: ast.expr) -> None:
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            self.keys.add(expr.value)
        elif isinstance(expr, ast.JoinedStr):
            first = expr.values[0] if expr.values else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                self.prefixes.add(first.value)
        elif isinstance(expr, ast.IfExp):
            self.collect(expr.body)
            self.collect(expr.orelse)
        elif isinstance(expr, ast.Name):
            for value in self.variables.get(expr.id, []):
                self.collect(value)
        elif isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name) and expr.value.id in self.dicts:
            for value in self.dicts[expr.value.id].values:
                self.collect(value)
        elif isinstance(expr, ast.Dict):
            for value in expr.values:
                self.collect(value)
        elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get":
            self.collect(expr.func.value)
            for arg in expr.args[1:]:
                self.collect(arg)


def keys_in_code() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """{key: [files]} of literal keys and {prefix: [files]} of f-string keys."""
    keys: dict[str, list[str]] = {}
    prefixes: dict[str, list[str]] = {}
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            found = _KeyCollector(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
            where = str(path.relative_to(ROOT))
            for key in found.keys:
                keys.setdefault(key, []).append(where)
            for prefix in found.prefixes:
                prefixes.setdefault(prefix, []).append(where)
    return keys, prefixes


def test_every_key_the_code_sends_is_in_english() -> None:
    keys, prefixes = keys_in_code()
    assert len(keys) > 100, f"only {len(keys)} keys found in the code: the collector has lost track"
    assert {"welcome", "order_draft", "vendor_new_order", "vendor_dispatch_nudge", "order_line",
            "admin_safe_mode_on", "complaint_resolved", "payment_method_other"} <= set(keys)
    missing = {key: files for key, files in keys.items() if key not in ENGLISH}
    assert not missing, f"keys used in code but missing from en.yml: {missing}"
    dangling = {prefix: files for prefix, files in prefixes.items() if not any(k.startswith(prefix) for k in ENGLISH)}
    assert not dangling, f"f-string keys with no matching en.yml key: {dangling}"
