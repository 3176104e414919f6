"""Intent classifier: spaCy tokens -> word + char n-gram TF-IDF -> calibrated heads.

Heads: a linear SVM (scikit-learn) whose scores are softmax-calibrated with a temperature fitted on
cross-validated scores, logistic regression, or a one-hidden-layer network (nlu.intent_mlp). Their
probabilities are averaged; below ``threshold`` the answer is ``oos_label``. Prediction is a sparse
row gather, tens of microseconds per message.

Optionally ("embed" in the learner) a logistic-regression head over all-MiniLM-L6-v2 sentence
embeddings (nlu.embed) is mixed in with weight ``embed_weight``. It is far more accurate on broad
data (CLINC150) but costs milliseconds per message, so the product's default learner leaves it out.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.svm import LinearSVC

from nlu.features import (
    FeatureConfig,
    Featurizer,
    TfidfBlock,
    Vectoriser,
    augment_with_lookups,
    augment_with_typos,
)
from nlu.intent_mlp import MlpOptions, fit_mlp, softmax
from nlu.rasa_data import load_nlu_files

log = logging.getLogger(__name__)

CODE_VERSION = "intent-5"  # bump when features or training change, so cached models are retrained
OOS_LABEL = "out_of_scope"
DEFAULT_THRESHOLD = 0.3
REPO = Path(__file__).resolve().parents[1]
LEARNERS = ("svm", "logreg", "mlp", "embed")  # heads; "svm+mlp" averages both
DEFAULT_LEARNER = "svm+mlp"


@dataclass
class Head:
    """One model: softmax(temperature * scores), scores = x @ weights + bias (linear), or
    relu(x @ weights + bias) @ out_weights + out_bias (one hidden layer)."""

    weights: np.ndarray  # (n_features, n_labels or hidden), row-gathered at prediction
    bias: np.ndarray
    temperature: float = 1.0
    out_weights: np.ndarray | None = None
    out_bias: np.ndarray | None = None

    def proba(self, first: np.ndarray) -> np.ndarray:
        """Probabilities from the first layer's output (``x @ weights + bias``)."""
        scores = first if self.out_weights is None else np.maximum(first, 0) @ self.out_weights + self.out_bias
        return softmax(self.temperature * scores)


@dataclass
class IntentClassifier:
    labels: list[str]
    vectoriser: Vectoriser
    heads: list[Head]
    threshold: float = DEFAULT_THRESHOLD
    oos_label: str = OOS_LABEL
    info: dict[str, Any] = field(default_factory=dict)
    embed_head: Head | None = None  # over sentence embeddings (nlu.embed), not the TF-IDF row
    embed_weight: float = 0.5  # its share of the probability when there are TF-IDF heads too
    _embedder: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        # all heads' first layers side by side: one row gather and one product per message
        if not self.heads and self.embed_head is None:
            raise ValueError("an intent classifier needs at least one head")
        self._first = np.hstack([h.weights for h in self.heads]) if self.heads else np.zeros((0, 0), np.float32)
        self._bias = np.concatenate([h.bias for h in self.heads]) if self.heads else np.zeros(0, np.float32)
        ends = np.cumsum([h.weights.shape[1] for h in self.heads]).tolist()
        self._slices = [slice(a, b) for a, b in zip([0, *ends[:-1]], ends, strict=True)]

    def ranking(self, text: str) -> list[tuple[str, float]]:
        """Every label with its probability, best first (before the threshold)."""
        probs = self._proba_row(text)
        order = np.argsort(-probs)
        return [(self.labels[i], float(probs[i])) for i in order]

    def predict(self, text: str) -> tuple[str, float]:
        return self._decide(self._proba_row(text))

    def predict_many(self, texts: list[str]) -> list[tuple[str, float]]:
        if not texts:
            return []
        first = np.asarray(self.vectoriser.matrix(texts) @ self._first) if self.heads else None
        return [self._decide(p) for p in self._proba(first, self._embed_proba(texts))]

    def _proba_row(self, text: str) -> np.ndarray:
        first = None
        if self.heads:
            idx, vals = self.vectoriser.row(text)
            first = vals @ self._first[idx]
        embedded = self._embed_proba([text])
        return self._proba(first, None if embedded is None else embedded[0])

    def _embed_proba(self, texts: list[str]) -> np.ndarray | None:
        if self.embed_head is None:
            return None
        if self._embedder is None:
            from nlu.embed import SentenceEmbedder

            self._embedder = SentenceEmbedder()
        emb = self._embedder.encode(texts)
        return self.embed_head.proba(emb @ self.embed_head.weights + self.embed_head.bias)

    def _proba(self, first: np.ndarray | None, embedded: np.ndarray | None = None) -> np.ndarray:
        """Mean of the TF-IDF heads' probabilities, given their stacked first layer (bias not yet
        added), mixed with the embedding head's probabilities at ``embed_weight``."""
        if first is None:
            assert embedded is not None
            return embedded
        first = first + self._bias
        total = self.heads[0].proba(first[..., self._slices[0]])
        for head, cols in zip(self.heads[1:], self._slices[1:], strict=True):
            total = total + head.proba(first[..., cols])
        total = total / len(self.heads) if len(self.heads) > 1 else total
        if embedded is None:
            return total
        return (1.0 - self.embed_weight) * total + self.embed_weight * embedded

    def _decide(self, probs: np.ndarray) -> tuple[str, float]:
        best = int(np.argmax(probs))
        conf = float(probs[best])
        if conf < self.threshold:
            return self.oos_label, conf
        return self.labels[best], conf

    def save(self, path: Path) -> None:
        """Write the model as JSON (vocabularies, options) and .npz (arrays): no pickle."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        fz = self.vectoriser.featurizer
        meta = {
            "code_version": CODE_VERSION, "labels": self.labels, "threshold": self.threshold,
            "oos_label": self.oos_label, "info": self.info, "feature_config": asdict(fz.config),
            "synonyms": fz.synonyms, "lookups": fz.lookups, "regexes": fz.regexes,
            "temperatures": [h.temperature for h in self.heads], "embed_weight": self.embed_weight,
            "word_vocab": list(self.vectoriser.words.vocab), "char_vocab": list(self.vectoriser.chars.vocab),
        }
        arrays = {"word_idf": self.vectoriser.words.idf, "char_idf": self.vectoriser.chars.idf}
        for i, h in enumerate(self.heads):
            arrays[f"w{i}"], arrays[f"b{i}"] = h.weights, h.bias
            if h.out_weights is not None and h.out_bias is not None:
                arrays[f"ow{i}"], arrays[f"ob{i}"] = h.out_weights, h.out_bias
        if self.embed_head is not None:
            arrays["ew"], arrays["eb"] = self.embed_head.weights, self.embed_head.bias
        np.savez(path / "weights.npz", **arrays)
        (path / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> IntentClassifier:
        path = Path(path)
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        if meta.get("code_version") != CODE_VERSION:
            raise ValueError(f"{path}: model from code version {meta.get('code_version')}, need {CODE_VERSION}")
        with np.load(path / "weights.npz") as z:
            arrays = {k: z[k] for k in z.files}
        cfg = meta["feature_config"]
        config = FeatureConfig(**{f.name: tuple(v) if isinstance(v, list) else v
                                  for f in fields(FeatureConfig) if (v := cfg.get(f.name)) is not None})
        featurizer = Featurizer(meta["synonyms"], meta["lookups"], meta["regexes"], config)
        vec = Vectoriser(
            featurizer,
            TfidfBlock({w: i for i, w in enumerate(meta["word_vocab"])}, arrays["word_idf"]),
            TfidfBlock({c: i for i, c in enumerate(meta["char_vocab"])}, arrays["char_idf"]),
        )
        heads = [Head(arrays[f"w{i}"], arrays[f"b{i}"], t, arrays.get(f"ow{i}"), arrays.get(f"ob{i}"))
                 for i, t in enumerate(meta["temperatures"])]
        embed_head = Head(arrays["ew"], arrays["eb"]) if "ew" in arrays else None
        return cls(meta["labels"], vec, heads, meta["threshold"], meta["oos_label"], meta.get("info", {}),
                   embed_head, float(meta.get("embed_weight", 0.5)))


def _fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """Softmax temperature minimising the negative log-likelihood of held-out scores."""
    best_t, best_nll = 1.0, np.inf
    for t in np.geomspace(0.1, 100, 61):
        probs = softmax(float(t) * scores)
        nll = -np.mean(np.log(probs[np.arange(len(y)), y] + 1e-12))
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


def _head(coef: np.ndarray, intercept: np.ndarray, temperature: float = 1.0) -> Head:
    """A head from scikit-learn's coef_/intercept_; a binary model scores the second class."""
    if coef.shape[0] == 1:
        coef, intercept = np.vstack([np.zeros_like(coef), coef]), np.concatenate([[0.0], intercept])
    return Head(np.ascontiguousarray(coef.T, dtype=np.float32), intercept.astype(np.float32), temperature)


def _svm_head(x: Any, y: np.ndarray, c: float, seed: int) -> Head:
    svm = LinearSVC(C=c, class_weight="balanced", random_state=seed)
    folds = min(3, int(np.bincount(y).min()))
    if folds >= 2:
        cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
        held_out = cross_val_predict(svm, x, y, cv=cv, method="decision_function")
        if held_out.ndim == 1:
            held_out = np.column_stack([np.zeros_like(held_out), held_out])
        temperature = _fit_temperature(held_out, y)
    else:
        temperature = 5.0
    svm.fit(x, y)
    return _head(svm.coef_, svm.intercept_, temperature)


def _logreg_head(x: Any, y: np.ndarray, c: float) -> Head:
    lr = LogisticRegression(C=c, max_iter=1000, class_weight="balanced")
    lr.fit(x, y)
    return _head(lr.coef_, lr.intercept_)


def _embed_head(texts: list[str], y: np.ndarray, c: float, class_weight: dict[int, float] | None) -> Head:
    """Logistic regression over sentence embeddings (raises ImportError if nlu.embed's packages are missing)."""
    from nlu.embed import SentenceEmbedder

    lr = LogisticRegression(C=c, max_iter=2000, class_weight=class_weight)
    lr.fit(SentenceEmbedder().encode(texts), y)
    return _head(lr.coef_, lr.intercept_)


def _mlp_head(x: Any, y: np.ndarray, n_labels: int, opts: dict[str, Any]) -> Head:
    mlp = MlpOptions(**{f.name: opts[f.name] for f in fields(MlpOptions) if f.name in opts})
    w1, b1, w2, b2 = fit_mlp(x, y, n_labels, mlp)
    return Head(w1, b1, 1.0, w2, b2)


def train(examples: list[tuple[str, str]], **opts: Any) -> IntentClassifier:
    """Train on (text, intent) pairs.

    Options: ``learner`` (heads "svm", "logreg", "mlp", "embed" joined by "+"; default "svm+mlp"),
    ``c_svm``, ``c_logreg``, ``c_embed``, ``embed_weight`` (the "embed" head's share of the
    probability, default 0.5), ``embed_oos_weight`` (its class weight for ``oos_label`` examples,
    default 1), :class:`MlpOptions` fields (``hidden``, ``epochs``...),
    ``threshold``, ``oos_label``, ``synonyms``/``lookups``/``regexes`` (Rasa lexicon), ``augment``
    (extra examples per lookup match), ``typos`` (extra misspelt copies per example), ``seed`` and
    any :class:`FeatureConfig` field.
    """
    learner = opts.get("learner", DEFAULT_LEARNER)
    kinds = learner.split("+")
    if not kinds or set(kinds) - set(LEARNERS):
        raise ValueError(f"learner must be one or more of {'|'.join(LEARNERS)} joined by '+', not {learner!r}")
    config = FeatureConfig(**{f.name: opts[f.name] for f in fields(FeatureConfig) if f.name in opts})
    lookups = opts.get("lookups") or {}
    featurizer = Featurizer(opts.get("synonyms") or {}, lookups, opts.get("regexes") or {}, config)
    seed = int(opts.get("seed", 0))
    examples = (list(examples) + augment_with_lookups(examples, lookups, int(opts.get("augment", 0)), seed)
                + augment_with_typos(examples, int(opts.get("typos", 0)), seed))
    texts = [t for t, _ in examples]
    labels, y = np.unique([i for _, i in examples], return_inverse=True)
    if len(labels) < 2:
        raise ValueError("need examples of at least two intents")
    started = time.perf_counter()
    vec = Vectoriser.fit(featurizer, texts)
    x = vec.matrix(texts)
    if kinds.count("embed") > 1:
        raise ValueError("learner can have at most one 'embed' head")
    heads = []
    embed_head = None
    if "embed" in kinds:
        oos = str(opts.get("oos_label", OOS_LABEL))
        oos_weight = float(opts.get("embed_oos_weight", 1.0))
        weights = {int(np.flatnonzero(labels == oos)[0]): oos_weight} if oos in labels and oos_weight != 1.0 else None
        embed_head = _embed_head(texts, y, float(opts.get("c_embed", 50.0)), weights)
    for n, kind in enumerate(kinds):  # a repeated kind ("svm+mlp+mlp") trains again with another seed
        if kind == "embed":
            continue
        if kind == "svm":
            heads.append(_svm_head(x, y, float(opts.get("c_svm", 1.0)), seed + n))
        elif kind == "logreg":
            heads.append(_logreg_head(x, y, float(opts.get("c_logreg", 20.0))))
        else:
            heads.append(_mlp_head(x, y, len(labels), {**opts, "seed": seed + n}))
    info = {"examples": len(examples), "features": vec.dim, "learner": learner,
            "train_seconds": round(time.perf_counter() - started, 2)}
    return IntentClassifier(
        [str(lbl) for lbl in labels], vec, heads,
        float(opts.get("threshold", DEFAULT_THRESHOLD)), str(opts.get("oos_label", OOS_LABEL)), info,
        embed_head, float(opts.get("embed_weight", 0.5)),
    )


def train_from_files(paths: Sequence[Path], **opts: Any) -> IntentClassifier:
    """Train from Rasa NLU YAML files, honouring their synonyms, lookups and regexes."""
    data = load_nlu_files(paths)
    opts = {"synonyms": data.synonyms, "lookups": data.lookups, "regexes": data.regexes,
            "augment": 1, "typos": 1, **opts}
    return train(data.pairs, **opts)


def data_hash(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256(CODE_VERSION.encode())
    for path in sorted(Path(p) for p in paths):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_or_train(data_paths: list[Path] | None = None, cache_dir: Path | None = None) -> IntentClassifier:
    """The classifier for these Rasa files, trained once and cached under a hash of data and code."""
    paths = sorted(data_paths) if data_paths else sorted((REPO / "data" / "nlu").glob("*.yml"))
    if not paths:
        raise FileNotFoundError("no NLU training data (data/nlu/*.yml)")
    target = Path(cache_dir or REPO / "var" / "models") / f"intent-{data_hash(paths)}"
    if (target / "meta.json").exists():
        try:
            return IntentClassifier.load(target)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("cached intent model %s unreadable (%s); retraining", target, exc)
    model = train_from_files(paths)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".intent-", dir=target.parent))
    try:
        model.save(tmp)
        shutil.rmtree(target, ignore_errors=True)
        os.replace(tmp, target)  # atomic: another process sees a whole model or none
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not (target / "meta.json").exists():
            raise
    return model
