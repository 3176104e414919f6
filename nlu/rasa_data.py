"""Read (and write) Rasa NLU training data, YAML format 3.x.

Honoured keys under ``nlu:``: ``intent`` + ``examples`` (the ``- text`` block list, or a list of
``{text: ...}`` mappings), ``synonym``, ``lookup`` and ``regex``. Entity annotations in examples
(``[2 kg](quantity)``, ``[cheeni](product:sugar)``, ``[cheeni]{"entity": "product", "value": "sugar"}``)
are stripped from the text; an annotated value that differs from the text becomes a synonym.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

# [text](entity) | [text](entity:value) | [text]{"entity": ..., "value": ...}
_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<paren>[^)]*)\)|(?P<brace>\{[^}]*\}))")


@dataclass(frozen=True, slots=True)
class Entity:
    start: int
    end: int
    entity: str
    value: str


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str
    entities: tuple[Entity, ...] = ()


@dataclass
class NluData:
    examples: list[Example] = field(default_factory=list)
    synonyms: dict[str, str] = field(default_factory=dict)  # lower-cased variant -> canonical value
    lookups: dict[str, list[str]] = field(default_factory=dict)  # table name -> entries
    regexes: dict[str, list[str]] = field(default_factory=dict)  # name -> patterns

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """(text, intent) pairs, the classifier's training input."""
        return [(ex.text, ex.intent) for ex in self.examples]

    @property
    def intents(self) -> list[str]:
        return sorted({ex.intent for ex in self.examples})

    def merge(self, other: NluData) -> None:
        self.examples.extend(other.examples)
        self.synonyms.update(other.synonyms)
        for target, source in ((self.lookups, other.lookups), (self.regexes, other.regexes)):
            for name, items in source.items():
                merged = target.setdefault(name, [])
                merged.extend(i for i in items if i not in merged)


class RasaFormatError(ValueError):
    """The file is not Rasa NLU YAML we can read; the message says where."""


def parse_annotated(text: str) -> tuple[str, tuple[Entity, ...]]:
    """Strip Rasa entity markup from one example: returns plain text and its entities."""
    out: list[str] = []
    entities: list[Entity] = []
    pos = 0
    for m in _ANNOTATION.finditer(text):
        out.append(text[pos : m.start()])
        start = sum(len(s) for s in out)
        surface = m.group("text")
        name, value = _annotation_target(m.group("paren"), m.group("brace"), surface)
        out.append(surface)
        entities.append(Entity(start, start + len(surface), name, value))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), tuple(entities)


def _annotation_target(paren: str | None, brace: str | None, surface: str) -> tuple[str, str]:
    if brace is not None:
        try:
            spec = json.loads(brace)
        except json.JSONDecodeError as exc:
            raise RasaFormatError(f"bad entity annotation {brace!r}: {exc}") from exc
        return str(spec.get("entity", "")), str(spec.get("value", surface))
    name, _, value = (paren or "").partition(":")
    return name, value or surface


def _block_items(block: object, where: str) -> list[str]:
    """Items of an ``examples:`` (or ``lookup`` ``examples:``) value."""
    if isinstance(block, str):
        items = []
        for line in block.splitlines():
            line = line.strip()
            if not line:
                continue
            if not line.startswith("- "):
                raise RasaFormatError(f"{where}: expected '- text', got {line!r}")
            items.append(line[2:].strip())
        return items
    if isinstance(block, list):
        items = []
        for item in block:
            text = item.get("text") if isinstance(item, dict) else item
            if not isinstance(text, str):
                raise RasaFormatError(f"{where}: example without text: {item!r}")
            items.append(text.strip())
        return items
    raise RasaFormatError(f"{where}: 'examples' must be a '- text' block or a list")


def parse_nlu_yaml(source: str, name: str = "<string>") -> NluData:
    """Parse the text of one Rasa NLU YAML file."""
    try:
        doc = yaml.safe_load(source) or {}
    except yaml.YAMLError as exc:
        raise RasaFormatError(f"{name}: not YAML: {exc}") from exc
    if not isinstance(doc, dict):
        raise RasaFormatError(f"{name}: top level must be a mapping")
    data = NluData()
    for i, entry in enumerate(doc.get("nlu") or []):
        where = f"{name}: nlu[{i}]"
        if not isinstance(entry, dict):
            raise RasaFormatError(f"{where}: must be a mapping")
        items = _block_items(entry.get("examples", ""), where)
        if "intent" in entry:
            intent = str(entry["intent"])
            for raw in items:
                text, entities = parse_annotated(raw)
                data.examples.append(Example(text, intent, entities))
                for ent in entities:
                    if ent.value != text[ent.start : ent.end]:
                        data.synonyms[text[ent.start : ent.end].lower()] = ent.value
        elif "synonym" in entry:
            canonical = str(entry["synonym"])
            for variant in items:
                data.synonyms[variant.lower()] = canonical
        elif "lookup" in entry:
            data.lookups.setdefault(str(entry["lookup"]), []).extend(items)
        elif "regex" in entry:
            for pattern in items:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise RasaFormatError(f"{where}: bad regex {pattern!r}: {exc}") from exc
            data.regexes.setdefault(str(entry["regex"]), []).extend(items)
        else:
            raise RasaFormatError(f"{where}: expected one of intent, synonym, lookup, regex")
    return data


def load_nlu_files(paths: Iterable[Path]) -> NluData:
    """Read and merge several Rasa NLU YAML files."""
    data = NluData()
    for path in paths:
        data.merge(parse_nlu_yaml(Path(path).read_text(encoding="utf-8"), str(path)))
    return data


def dump_nlu_yaml(examples: Iterable[tuple[str, str]]) -> str:
    """Write (text, intent) pairs as Rasa 3.1 NLU YAML (for exporting our data to Rasa)."""
    by_intent: dict[str, list[str]] = {}
    for text, intent in examples:
        by_intent.setdefault(intent, []).append(text)
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in by_intent.items():
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {' '.join(t.split())}" for t in texts]
    return "\n".join(lines) + "\n"
