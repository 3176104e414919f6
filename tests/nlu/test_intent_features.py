"""Featurising for the intent classifier: normalisation, synonyms, lookups, regexes, augmentation."""

from __future__ import annotations

import numpy as np
import pytest

from nlu.features import (
    FeatureConfig,
    Featurizer,
    Vectoriser,
    augment_with_lookups,
    augment_with_typos,
    normalise,
    stem,
)
from nlu.intent_mlp import MlpOptions, fit_mlp, softmax


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Chini 2KG", "chini 0 kg"),
        ("चिनी २ केजी", "चिनी 0 केजी"),
        ("okkkk 👍👍", "okk 👍👍"),
        ("5000 pathaye", "0 pathaye"), ("rs 1,000.50 ra 7", "rs 0 ra 0"),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_synonyms_rewrite_tokens_and_phrases():
    f = Featurizer(synonyms={"cheeni": "chini", "चिनी": "chini", "bhej do": "pathaidinu"})
    assert f.tokens("Do kilo CHEENI bhej do") == ["do", "kilo", "chini", "pathaidinu"]
    assert f.tokens("चिनी 2 kg") == ["chini", "0", "kg"]


def test_lookup_and_regex_markers():
    f = Featurizer(lookups={"product": ["wai wai", "coke"], "wallet": ["esewa"]},
                   regexes={"amount": [r"\brs\.?\s?\d+"]})
    words, _ = f.analyse("2 carton Wai Wai, rs 500 esewa bata")
    assert {"#lookup:product", "#lookup:wallet", "#regex:amount"} <= set(words)
    assert not [w for w in f.analyse("namaste")[0] if w.startswith(("#lookup", "#regex"))]


def test_stems():
    assert [stem(w) for w in ("orders", "sending", "delivered", "batteries", "kg", "cha", "चिनी")] == [
        "order", "send", "deliver", "battery", "kg", "cha", "चिनी"]


def test_vectoriser_rows_are_unit_length_per_block():
    texts = ["2 kg chini pathaidinu", "mero baki kati cha", "namaste"]
    vec = Vectoriser.fit(Featurizer(config=FeatureConfig(char_weight=1.0)), texts)
    idx, vals = vec.row("2 kg chini")
    words = idx < len(vec.words.vocab)
    assert np.sum(vals[words] ** 2) == pytest.approx(1.0)
    assert np.sum(vals[~words] ** 2) == pytest.approx(1.0)
    assert vec.matrix(texts).shape == (3, vec.dim)
    assert vec.row("zzzz qqqq")[0].size == 0 or vec.row("zzzz qqqq")[1].size > 0


def test_augmentation_is_deterministic_and_keeps_intents():
    examples = [("2 kg chini pathaidinu", "order"), ("namaste", "greeting")]
    lookups = {"product": ["chini", "chamal", "dal"]}
    extra = augment_with_lookups(examples, lookups, per_example=2, seed=1)
    assert extra == augment_with_lookups(examples, lookups, per_example=2, seed=1)
    assert len(extra) == 2 and all(i == "order" and t.startswith("2 kg ") for t, i in extra)
    typos = augment_with_typos(examples, per_example=1, seed=1)
    assert len(typos) == 2 and typos[0][0] != examples[0][0] and typos[0][1] == "order"


def test_mlp_learns_a_separable_problem():
    from scipy import sparse

    x = sparse.csr_matrix(np.eye(6, dtype=np.float32))
    y = np.array([0, 0, 1, 1, 2, 2])
    w1, b1, w2, b2 = fit_mlp(x, y, 3, MlpOptions(hidden=16, epochs=60, batch=2, dropout=0.0))
    probs = softmax(np.maximum(x.toarray() @ w1 + b1, 0) @ w2 + b2)
    assert list(probs.argmax(axis=1)) == list(y)
