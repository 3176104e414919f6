"""The intent classifier trained on the product's data, on phrasings that are not in it."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.features import normalise
from nlu.intent import IntentClassifier, load_or_train, train
from nlu.rasa_data import load_nlu_files

REPO = Path(__file__).resolve().parents[2]
DATA = sorted((REPO / "data" / "nlu").glob("*.yml"))

HELD_OUT = [
    # English
    ("please send 3 cartons of rara noodles", "order"),
    ("same order as last month please", "reorder"),
    ("how much is a sack of basmati rice", "inquiry_price"),
    ("do you have sunflower oil right now", "inquiry_stock"),
    ("show me your biscuits", "browse_category"),
    ("when will my delivery reach", "order_status"),
    ("half the eggs were broken", "complaint"),
    ("i sent 4000 by khalti", "payment"),
    ("how much do i still owe you", "balance"),
    ("please cancel yesterday's order", "cancel"),
    ("what is the capital of france", "out_of_scope"),
    # Roman Nepali
    ("3 bora chamal ra 2 peti coke pathaidinu", "order"),
    ("pahile jastai order garidinu", "reorder"),
    ("dal ko rate kati cha aaja", "inquiry_price"),
    ("wai wai ko stock cha ki nai hajur", "inquiry_stock"),
    ("mero saman kaha pugyo dai", "order_status"),
    ("anda sabai futeko aayo", "complaint"),
    ("esewa bata 3000 pathaidiye", "payment"),
    ("mero udharo kati bhayo hajur", "balance"),
    ("namaste hajur k cha", "greeting"),
    ("english ma lekhnu na", "language_switch"),
    # Roman Hindi
    ("teen kilo dal bhej do", "order"),
    ("pichli baar wala order fir se bhejo", "reorder"),
    ("surf excel ka rate kya hai", "inquiry_price"),
    ("mera order kab tak aayega", "order_status"),
    ("galat maal aaya hai", "complaint"),
    ("bhaiya abhi mera kitna baki hai", "balance"),
    ("hindi mein likho", "language_switch"),
    # Devanagari
    ("चामल २ बोरा पठाउनुस्", "order"),
    ("दालको भाउ कति हो?", "inquiry_price"),
    ("मेरो अर्डर कहिले आउँछ?", "order_status"),
    ("मेरो उधारो कति छ?", "balance"),
    ("नमस्ते दाइ", "greeting"),
    # short answers, emoji, typos
    ("hunchha pathaidinu", "affirm"),
    ("haan ji", "affirm"),
    ("pardaina hai", "deny"),
    ("cnacel my ordr", "cancel"),
    ("helpp", "help"),
]


def assert_same(got: list[tuple[str, float]], want: list[tuple[str, float]]) -> None:
    assert [label for label, _ in got] == [label for label, _ in want]
    assert [conf for _, conf in got] == pytest.approx([conf for _, conf in want], abs=1e-5)


@pytest.fixture(scope="module")
def model() -> IntentClassifier:
    return load_or_train(DATA)  # train_from_files(DATA), cached under var/models between runs


def test_held_out_phrasings_are_not_training_examples():
    seen = {t.lower() for t, _ in load_nlu_files(DATA).pairs}
    assert not [t for t, _ in HELD_OUT if t.lower() in seen]


@pytest.mark.parametrize(("text", "intent"), HELD_OUT)
def test_recognises_held_out_phrasings(model, text, intent):
    assert model.predict(text)[0] == intent


def test_held_out_accuracy_overall(model):
    right = sum(model.predict(t)[0] == i for t, i in HELD_OUT)
    assert right / len(HELD_OUT) >= 0.9


def test_interface_and_labels(model):
    assert set(model.labels) >= {"order", "reorder", "browse_category", "language_switch", "out_of_scope"}
    label, conf = model.predict("2 kg chini pathaidinu")
    assert label == "order"
    assert isinstance(conf, float) and 0.0 <= conf <= 1.0
    texts = [t for t, _ in HELD_OUT]
    assert_same(model.predict_many(texts), [model.predict(t) for t in texts])
    assert model.predict_many([]) == []
    ranking = model.ranking("mero baki kati cha")
    assert ranking[0][0] == "balance" and sum(c for _, c in ranking) == pytest.approx(1.0, abs=1e-4)


def test_below_threshold_is_out_of_scope(model):
    label, conf = model.predict("chini ko bhau")
    assert label == "inquiry_price"
    model.threshold, saved = conf + 0.01, model.threshold
    try:
        assert model.predict("chini ko bhau") == ("out_of_scope", pytest.approx(conf))
        assert model.predict_many(["chini ko bhau"])[0][0] == "out_of_scope"
    finally:
        model.threshold = saved


def test_threshold_and_oos_label_are_training_options():
    examples = [("hi", "greeting"), ("hello", "greeting"), ("send sugar", "order"), ("send rice", "order")]
    model = train(examples, threshold=0.99, oos_label="none", learner="logreg")
    assert model.predict("hello")[0] == "none"


def test_save_and_load_give_the_same_answers(model, tmp_path):
    model.save(tmp_path / "m")
    loaded = IntentClassifier.load(tmp_path / "m")
    texts = [t for t, _ in HELD_OUT]
    assert loaded.labels == model.labels
    assert loaded.threshold == model.threshold
    assert_same(loaded.predict_many(texts), model.predict_many(texts))


def test_load_or_train_caches_by_data_hash(tmp_path):
    data = tmp_path / "nlu.yml"
    data.write_text(
        'version: "3.1"\nnlu:\n- intent: greeting\n  examples: |\n    - hi\n    - namaste\n    - hello\n'
        "- intent: order\n  examples: |\n    - 2 kg chini\n    - 1 crate coke\n    - send rice\n",
        encoding="utf-8",
    )
    first = load_or_train([data], tmp_path / "cache")
    folders = list((tmp_path / "cache").iterdir())
    assert len(folders) == 1 and folders[0].name.startswith("intent-")
    again = load_or_train([data], tmp_path / "cache")
    assert again.predict("namaste") == pytest.approx(first.predict("namaste"))
    data.write_text(data.read_text(encoding="utf-8") + "    - 5 kg dal\n", encoding="utf-8")
    load_or_train([data], tmp_path / "cache")
    assert len(list((tmp_path / "cache").iterdir())) == 2


def test_embed_learner_is_optional_and_round_trips(tmp_path):
    pytest.importorskip("tokenizers")
    from nlu import embed

    try:
        embed.SentenceEmbedder()
    except ImportError:
        pytest.skip("the embedding model's packages are not installed")
    examples = [("hi there", "greeting"), ("hello friend", "greeting"), ("good morning", "greeting"),
                ("send two bags of sugar", "order"), ("i want five kilos of rice", "order"),
                ("please deliver cooking oil", "order")]
    model = train(examples, learner="svm+embed", threshold=0.0)
    assert model.embed_head is not None and model.predict("hey, good evening")[0] == "greeting"
    assert model.predict_many(["deliver ten kilos of flour"])[0][0] == "order"
    model.save(tmp_path / "m")
    loaded = IntentClassifier.load(tmp_path / "m")
    texts = ["hey, good evening", "deliver ten kilos of flour"]
    assert_same(loaded.predict_many(texts), model.predict_many(texts))
    assert_same([loaded.predict(t) for t in texts], model.predict_many(texts))


def test_embed_learner_without_its_packages_says_what_to_install(monkeypatch):
    from nlu import embed

    monkeypatch.setattr(embed, "MODEL_PACKAGE", "no_such_package_for_khaacho_tests")
    examples = [("hi", "greeting"), ("hello", "greeting"), ("send sugar", "order"), ("send rice", "order")]
    with pytest.raises(ImportError, match="pip install"):
        train(examples, learner="svm+embed")
    assert train(examples, learner="svm").predict("hello")[0] == "greeting"  # other learners unaffected



@functools.cache
def _embedder() -> Any:
    from nlu.embed import SentenceEmbedder

    return SentenceEmbedder()


@given(st.integers(0, 10**9), st.integers(0, 10**9))
@settings(max_examples=20, deadline=None)
def test_which_number_a_message_names_does_not_move_its_intent(a: int, b: int) -> None:
    """An order number's or an amount's digits say nothing of the intent: `accept 1002` and
    `accept 987654` are read alike, so a refusal cannot tell an existing order from a missing one."""
    try:
        embedder = _embedder()
    except ImportError:
        pytest.skip("the embedding model's packages are not installed")
    texts = [f"accept {a}", f"accept {b}", f"paid rs {a:,} by esewa for {b}", f"paid rs {b}.50 by esewa for {a}"]
    vectors = embedder.encode(texts)
    assert np.array_equal(vectors[0], vectors[1]) and np.array_equal(vectors[2], vectors[3])
    assert normalise(texts[0]) == normalise(texts[1]) and normalise(texts[2]) == normalise(texts[3])
