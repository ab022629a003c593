"""Binary cross-entropy and the generator losses, with their gradients.

The discriminator outputs a probability ``p = sigmoid(a)`` that its input is
real. With target ``t`` (1 real, 0 fake) the binary cross-entropy is

    BCE(p, t) = -[t log p + (1 - t) log(1 - p)],

with ``p`` clamped to ``[EPS, 1 - EPS]`` as in the chapter (never in place:
the caller's array is left alone). Over a batch of N samples the loss is the
mean, so every gradient below carries a factor ``1/N``. D's outputs have
shape ``(N, 1)``, or ``(K, N, 1)`` for K runs trained side by side
(``gan_core.experiments.vectorised``); ``N`` is then the second-to-last axis.
"""
import math

import numpy as np

#: The chapter's clamp for D's output before taking logarithms.
EPS = 1e-7


def _batch_size(p):
    """``N``: the batch axis is the second-to-last of ``(..., N, 1)`` (the only axis of a 1-D ``p``)."""
    return p.shape[-2] if p.ndim >= 2 else p.shape[0]


def clamp_probability(p):
    """Return ``clip(p, EPS, 1 - EPS)`` as a new array (the input is unchanged)."""
    return np.clip(p, EPS, 1.0 - EPS)


def bce(p, t):
    """Mean binary cross-entropy ``mean(-[t log p + (1 - t) log(1 - p)])``, p clamped.

    Computed in float64 whatever ``p``'s type (it is a figure for the history,
    not part of any gradient)."""
    p = np.asarray(p, dtype=float)
    if p.size == 1:  # the one-sample-a-step hot path: plain floats are faster
        q = min(max(float(p.flat[0]), EPS), 1.0 - EPS)
        return -math.log(q) if t == 1 else -math.log(1.0 - q) if t == 0 else -(t * math.log(q) + (1 - t) * math.log(1 - q))
    q = np.minimum(np.maximum(p, EPS), 1.0 - EPS)  # clamp_probability, without np.clip's overhead
    scalar_t = np.ndim(t) == 0
    if scalar_t and t == 1:  # a target of 1 or 0 needs one logarithm, not two
        return -float(np.add.reduce(np.log(q), axis=None)) / q.size
    if scalar_t and t == 0:
        return -float(np.add.reduce(np.log1p(-q), axis=None)) / q.size
    return float(np.mean(-(t * np.log(q) + (1.0 - t) * np.log(1.0 - q))))


def bce_grad(p, t):
    """Gradient of the mean BCE with respect to ``p``: ``[(1 - t)/(1 - p) - t/p] / N``.

    ``p`` is clamped first, as in the chapter's ``LossFunc.backward``. The
    gradient has ``p``'s float type (float64 for anything else).
    """
    p = np.asarray(p)
    q = clamp_probability(p if p.dtype.kind == "f" else p.astype(float))
    return ((1.0 - t) / (1.0 - q) - t / q) / _batch_size(q)


def sigmoid_bce_grad(p, t):
    """Gradient of the mean BCE with respect to the logit ``a`` where ``p = sigmoid(a)``.

    The chain rule ``dBCE/dp * dp/da = [(1 - t)/(1 - p) - t/p] * p (1 - p)``
    collapses to ``p - t``; over a batch it is ``(p - t) / N``. This fused
    form is exact and never divides by a tiny ``p``.
    """
    return (p - t) / _batch_size(p)


def generator_loss(p, kind="non_saturating"):
    """The generator's loss on ``p = D(G(z))``, averaged over the batch.

    * ``"non_saturating"`` (used by the chapter and by practice): ``-log p``;
    * ``"saturating"`` (the minimax objective itself): ``log(1 - p)``, minimised.
    """
    if kind == "non_saturating":
        return bce(p, 1)
    if kind == "saturating":
        return -bce(p, 0)
    raise ValueError(f"generator loss kind must be 'non_saturating' or 'saturating', got {kind!r}")


def generator_logit_grad(p, kind="non_saturating"):
    """Gradient of ``generator_loss`` with respect to D's logit ``a`` (``p = sigmoid(a)``).

    * non-saturating, ``L = -log p``:     ``dL/da = (p - 1) / N``;
    * saturating,     ``L = log(1 - p)``: ``dL/da = -p / N``.

    When D confidently rejects a fake (``p`` near 0) the saturating gradient
    vanishes while the non-saturating one stays near ``-1/N``.
    """
    if kind == "non_saturating":
        return (p - 1.0) / _batch_size(p)
    if kind == "saturating":
        return -p / _batch_size(p)
    raise ValueError(f"generator loss kind must be 'non_saturating' or 'saturating', got {kind!r}")
