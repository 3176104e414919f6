"""A one-hidden-layer network over sparse TF-IDF rows, trained with lazy Adam in numpy.

Only the input-weight rows of features present in a mini-batch are read and updated, so an epoch
costs about the number of non-zero features times the hidden size, not the vocabulary size. The
matrix products are small (a mini-batch by the hidden size), so they run on one BLAS thread: more
threads only wait for each other, and on a busy machine they made training several times slower.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from threadpoolctl import threadpool_limits


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
        """Adam update of all of the parameter, or of ``rows`` only (lazy, for sparse inputs);
        in place where it can be: the rows of a mini-batch are thousands times the hidden size."""
        sel = slice(None) if rows is None else rows
        m, v = self.m[sel], self.v[sel]  # copies when rows are given, views otherwise
        m *= 0.9
        m += 0.1 * grad
        square = grad * grad
        square *= 0.001
        v *= 0.999
        v += square
        if rows is not None:
            self.m[sel], self.v[sel] = m, v
        denom = v / (1 - 0.999**t)
        np.sqrt(denom, out=denom)
        denom += 1e-8
        step = m / (1 - 0.9**t)
        step *= self.lr
        step /= denom
        if rows is None:
            self.param -= step
        else:
            self.param[sel] -= step


def softmax(z: np.ndarray) -> np.ndarray:
    z = np.exp(z - z.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def fit_mlp(
    x: sparse.csr_matrix, y: np.ndarray, n_classes: int, opts: MlpOptions
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Weights (w1, b1, w2, b2) of softmax(relu(x @ w1 + b1) @ w2 + b2), trained on cross-entropy."""
    with threadpool_limits(1, user_api="blas"):
        return _fit(x, y, n_classes, opts)


def _fit(
    x: sparse.csr_matrix, y: np.ndarray, n_classes: int, opts: MlpOptions
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
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
