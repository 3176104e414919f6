"""Intent classification: word and character n-gram TF-IDF over spaCy tokens, a linear model.

Trained from Rasa NLU YAML (data/nlu/*.yml); the trained model is cached under var/models by a hash
of the data and this file, so training happens once per change of either.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from nlu.features import Featurizer, Vectoriser
from nlu.rasa_data import load_nlu_files

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "nlu"
CACHE = ROOT / "var" / "models"


class IntentClassifier:
    def __init__(self, vectoriser: Vectoriser, model: LogisticRegression) -> None:
        self.vectoriser = vectoriser
        self.model = model
        self.labels: list[str] = [str(c) for c in model.classes_]

    def predict(self, text: str) -> tuple[str, float]:
        return self.predict_many([text])[0]

    def predict_many(self, texts: list[str]) -> list[tuple[str, float]]:
        probs = self.model.predict_proba(self.vectoriser.matrix(texts))
        best = probs.argmax(axis=1)
        return [(self.labels[i], float(probs[row, i])) for row, i in enumerate(best)]

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        (path / "model.pkl").write_bytes(pickle.dumps(self))

    @classmethod
    def load(cls, path: Path) -> IntentClassifier:
        loaded = pickle.loads((path / "model.pkl").read_bytes())
        if not isinstance(loaded, cls):
            raise TypeError(f"{path} does not hold an intent model")
        return loaded


def train(examples: list[tuple[str, str]], *, c: float = 10.0) -> IntentClassifier:
    texts = [t for t, _ in examples]
    vectoriser = Vectoriser.fit(Featurizer(), texts)
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit(vectoriser.matrix(texts), np.array([label for _, label in examples]))
    return IntentClassifier(vectoriser, model)


def _data_hash(paths: list[Path]) -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted(paths):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def load_or_train(data_paths: list[Path] | None = None, cache_dir: Path | None = None) -> IntentClassifier:
    """The model for `data_paths` (default data/nlu/*.yml), trained once and cached by their hash."""
    paths = list(data_paths) if data_paths else sorted(DATA.glob("*.yml"))
    folder = (cache_dir or CACHE) / f"intent-{_data_hash(paths)}"
    if (folder / "model.pkl").exists():
        return IntentClassifier.load(folder)
    classifier = train(load_nlu_files(paths).pairs)
    classifier.save(folder)
    return classifier
