"""A one-hidden-layer network over sparse TF-IDF rows, trained with lazy Adam in numpy.

Only the input-weight rows of features present in a mini-batch are read and updated, so an epoch
costs about the number of non-zero features times the hidden size, not the vocabulary size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse


@dataclass
class MlpOptions:
    hidden: int = 256
    epochs: int = 10
    learning_rate: float = 0.002
    batch: int = 32
    dropout: float = 0.5
    seed: int = 0


class _Adam:
    def __init__(self, param: np.ndarray, lr: float) -> None:
        self.param, self.lr = param, lr
        self.m, self.v = np.zeros_like(param), np.zeros_like(param)

    def step(self, grad: np.ndarray, t: int, rows: np.ndarray | None = None) -> None:
        """Adam update of all of the parameter, or of ``rows`` only (lazy, for sparse inputs)."""
        sel = slice(None) if rows is None else rows
        m = 0.9 * self.m[sel] + 0.1 * grad
        v = 0.999 * self.v[sel] + 0.001 * grad * grad
        self.m[sel], self.v[sel] = m, v
        step = self.lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        self.param[sel] = self.param[sel] - step


def softmax(z: np.ndarray) -> np.ndarray:
    z = np.exp(z - z.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def fit_mlp(
    x: sparse.csr_matrix, y: np.ndarray, n_classes: int, opts: MlpOptions
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Weights (w1, b1, w2, b2) of softmax(relu(x @ w1 + b1) @ w2 + b2), trained on cross-entropy."""
    rng = np.random.default_rng(opts.seed)
    n, dim = x.shape
    w1 = (rng.standard_normal((dim, opts.hidden)) * 0.05).astype(np.float32)
    b1 = np.zeros(opts.hidden, np.float32)
    w2 = (rng.standard_normal((opts.hidden, n_classes)) * np.sqrt(2 / opts.hidden)).astype(np.float32)
    b2 = np.zeros(n_classes, np.float32)
    adam = [_Adam(p, opts.learning_rate) for p in (w1, b1, w2, b2)]
    keep = 1.0 - opts.dropout
    t = 0
    for _ in range(opts.epochs):
        order = rng.permutation(n)
        for start in range(0, n, opts.batch):
            idx = order[start : start + opts.batch]
            batch = x[idx]
            cols = np.unique(batch.indices)
            xb = batch[:, cols]
            h = np.asarray(xb @ w1[cols]) + b1
            mask = (rng.random(h.shape) < keep).astype(np.float32) / keep
            a = np.maximum(h, 0) * mask
            grad = softmax(a @ w2 + b2)
            grad[np.arange(len(idx)), y[idx]] -= 1.0
            grad /= len(idx)
            ga = (grad @ w2.T) * mask * (h > 0)
            t += 1
            adam[0].step(np.asarray(xb.T @ ga), t, cols)
            adam[1].step(ga.sum(axis=0), t)
            adam[2].step(a.T @ grad, t)
            adam[3].step(grad.sum(axis=0), t)
    return w1, b1, w2, b2
