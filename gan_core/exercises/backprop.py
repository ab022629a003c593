"""Checks for the exercises of notebook 03 (backpropagation).

Each check prints ``Correct: ...`` or ``Not yet: ...`` and returns a bool.
"""
import numpy as np

from ..activations import Sigmoid
from ..losses import sigmoid_bce_grad
from ._verdict import as_array, call, call_for_array, close, describe, guarded, verdict


@guarded
def check_dense_backward(dense_backward):
    """Check ``dense_backward(x, W, b, dy)`` for the layer ``y = tanh(x W + b)``:
    it must return ``(dW, db, dx)`` with ``dz = dy * (1 - y**2)``, ``dW = x^T dz``,
    ``db = dz summed over the batch`` and ``dx = dz W^T``, on a batch of 5."""
    rng = np.random.default_rng(4)
    x, W, b, dy = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(5, 4))
    ok, got = call(dense_backward, "dense_backward", x, W, b, dy)
    if not ok:
        return verdict(False, "dense_backward raised an error" if callable(dense_backward) else "pass your function",
                       got)
    parts = list(got) if isinstance(got, (tuple, list)) else None
    if parts is None or len(parts) != 3:
        return verdict(False, "return three arrays: dW, db, dx", f"it returned {describe(got)}")
    dW, db, dx = parts
    y = np.tanh(x @ W + b)
    dz = dy * (1 - y ** 2)
    for name, a, e in (("dW", dW, x.T @ dz), ("db", db, dz.sum(axis=0)), ("dx", dx, dz @ W.T)):
        if not close(a, e, 1e-9):
            arr = as_array(a)
            if arr is None:
                hint = f"it is {describe(a)}, not an array of numbers"
            elif arr.shape != e.shape:
                hint = f"shape {arr.shape}, expected {e.shape}"
            else:
                hint = "multiply by tanh' = 1 - y**2 first"
            return verdict(False, f"{name} is wrong", hint)
    return verdict(True, "dW = x^T dz, db = sum of dz over the batch, dx = dz W^T")


@guarded
def check_bce_logit_grad(logit_grad):
    """Check ``logit_grad(a, t)``: the gradient of the mean BCE of ``p = sigmoid(a)``
    against targets ``t`` with respect to the logits ``a`` (shape (N, 1)), which is
    ``(p - t) / N``."""
    rng = np.random.default_rng(5)
    a = rng.normal(scale=3.0, size=(6, 1))
    t = rng.integers(0, 2, size=(6, 1)).astype(float)
    bad, got = call_for_array(logit_grad, "logit_grad", a, t)
    if bad:
        return verdict(False, bad, got)
    p = Sigmoid()(a)
    want = sigmoid_bce_grad(p, t)
    if close(got, want, 1e-9):
        return verdict(True, "dBCE/da = (p - t) / N")
    if close(got, p - t, 1e-9):
        return verdict(False, "almost: the loss is a mean over the batch", "divide by N")
    return verdict(False, "logit_grad does not match", "chain dBCE/dp with dp/da = p (1 - p)")


@guarded
def check_clip_by_norm(clip_by_norm):
    """Check ``clip_by_norm(g, max_norm)``: return ``g * max_norm / ||g||`` when
    ``||g|| > max_norm`` and ``g`` unchanged otherwise, without modifying ``g``."""
    rng = np.random.default_rng(6)
    for scale in (0.01, 1.0, 10.0):
        g = scale * rng.normal(size=(4, 3))
        keep = g.copy()
        bad, got = call_for_array(clip_by_norm, "clip_by_norm", g, 0.2)
        if bad:
            return verdict(False, bad, got)
        n = np.linalg.norm(keep)
        want = keep * (0.2 / n) if n > 0.2 else keep
        if not np.array_equal(g, keep):
            return verdict(False, "clip_by_norm changed its input", "work on a copy")
        if not close(got, want, 1e-12):
            return verdict(False, f"wrong for a gradient of norm {n:.3g}",
                           "rescale only when the norm exceeds max_norm, keep the direction")
    return verdict(True, "the direction is kept, the length capped at max_norm")


@guarded
def check_chapter_factor(factor):
    """Check ``factor(p)``: the number by which the chapter's generator gradient equals
    the correct one for one sample with ``p = D(G(z))``. The chapter hands ``-log p``
    where ``dL/dp = -1/p`` belongs, so the factor is ``(-log p) / (-1/p) = p log p``,
    negative for every p in (0, 1)."""
    p = np.linspace(0.01, 0.99, 25)
    bad, got = call_for_array(factor, "factor", p)
    if bad:
        return verdict(False, bad, got)
    want = p * np.log(p)
    if close(got, want, 1e-9):
        return verdict(True, f"factor = p log p, between {want.min():.3f} and 0: "
                             "always the opposite direction, and shorter")
    if close(got, -want, 1e-9):
        return verdict(False, "the sign is off", "-log p is positive, -1/p is negative")
    return verdict(False, "factor does not match", "divide what the chapter passes by what it should pass")
