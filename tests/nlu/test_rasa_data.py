from __future__ import annotations

from pathlib import Path

import pytest

from nlu.rasa_data import (
    Entity,
    RasaFormatError,
    dump_nlu_yaml,
    load_nlu_files,
    parse_annotated,
    parse_nlu_yaml,
)

REPO = Path(__file__).resolve().parents[2]

SAMPLE = '''
version: "3.1"
nlu:
- intent: order
  examples: |
    - 2 kg chini pathaidinu
    - [5 kg](quantity) [cheeni](product:sugar) bhej do
    - [do kilo]{"entity": "quantity", "value": "2 kg"} chawal
- intent: greeting
  examples:
    - text: namaste
      metadata: {sentiment: neutral}
    - text: |
        k cha
- synonym: chini
  examples: |
    - cini
    - Chinni
- lookup: product
  examples: |
    - wai wai
    - rara
- regex: amount
  examples: |
    - rs\\s?\\d+
'''


def test_intents_examples_and_annotations():
    data = parse_nlu_yaml(SAMPLE)
    assert data.pairs == [
        ("2 kg chini pathaidinu", "order"),
        ("5 kg cheeni bhej do", "order"),
        ("do kilo chawal", "order"),
        ("namaste", "greeting"),
        ("k cha", "greeting"),
    ]
    assert data.intents == ["greeting", "order"]
    assert data.examples[1].entities == (Entity(0, 4, "quantity", "5 kg"), Entity(5, 11, "product", "sugar"))


def test_synonyms_lookups_and_regexes():
    data = parse_nlu_yaml(SAMPLE)
    # synonym entries are lower-cased variants; annotated values that differ become synonyms too
    assert data.synonyms == {"cini": "chini", "chinni": "chini", "cheeni": "sugar", "do kilo": "2 kg"}
    assert data.lookups == {"product": ["wai wai", "rara"]}
    assert data.regexes == {"amount": [r"rs\s?\d+"]}


def test_parse_annotated_plain_text_is_unchanged():
    assert parse_annotated("no markup [here") == ("no markup [here", ())


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("nlu: [1, 2]", "must be a mapping"),
        ("nlu:\n- intent: x\n  examples: |\n    hello", "expected '- text'"),
        ("nlu:\n- story: x\n  examples: |\n    - hello", "expected one of"),
        ("nlu:\n- regex: x\n  examples: |\n    - (unclosed", "bad regex"),
        ("nlu: [", "not YAML"),
    ],
)
def test_format_errors_say_where(source, message):
    with pytest.raises(RasaFormatError, match=message):
        parse_nlu_yaml(source, "f.yml")


def test_merge_of_files_and_dump_round_trip(tmp_path):
    a = tmp_path / "a.yml"
    b = tmp_path / "b.yml"
    a.write_text(SAMPLE, encoding="utf-8")
    b.write_text(dump_nlu_yaml([("hello", "greeting"), ("mero  baki kati cha", "balance")]), encoding="utf-8")
    data = load_nlu_files([a, b])
    assert data.pairs[-2:] == [("hello", "greeting"), ("mero baki kati cha", "balance")]
    assert data.lookups["product"] == ["wai wai", "rara"]


def test_product_training_data_covers_every_intent_in_every_script():
    data = load_nlu_files(sorted((REPO / "data" / "nlu").glob("*.yml")))
    counts = {i: sum(ex.intent == i for ex in data.examples) for i in data.intents}
    required = {"order", "reorder", "inquiry_price", "inquiry_stock", "order_status", "complaint", "payment",
                "balance", "greeting", "help", "cancel", "affirm", "deny", "out_of_scope",
                "browse_category", "language_switch"}
    assert required <= set(counts)
    assert min(counts.values()) >= 40, counts
    for intent in required - {"out_of_scope"}:
        texts = [ex.text for ex in data.examples if ex.intent == intent]
        assert any(any("\u0900" <= ch <= "\u097f" for ch in t) for t in texts), f"{intent}: no Devanagari"
    assert data.synonyms and data.lookups["product"] and data.regexes
