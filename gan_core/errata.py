"""The chapter's five gradient errors, as switches the trainer reads.

``Config(errata=...)`` takes a tuple of names from :data:`ERRATA`, or ``"all"``;
the default ``()`` trains with exact gradients. Each switch reproduces one
error of the chapter's listing, at any batch size:

``"dReLU"``
    its ``dReLU`` returns ``ReLU(z)`` instead of the step ``[z > 0]``, so G's
    hidden layers backpropagate ``dL/dz = dout * relu(z) = dout * y``;
``"dTanh"``
    tanh's derivative is applied to its *output*: ``dL/dz = dout * (1 -
    tanh(y)**2)`` with ``y = tanh(z)``, instead of ``dout * (1 - y**2)``;
``"dSigmoid"``
    sigmoid's derivative is applied to its *output* ``p``: ``dp/da`` becomes
    ``s(p) (1 - s(p))`` with ``s`` the sigmoid (always between 0.196 and
    0.25), instead of ``p (1 - p)``. The fused ``dBCE/da = p - t`` is then
    no longer available: the gradient is ``dBCE/dp * s(p) (1 - s(p))``;
``"D_ascends"``
    D's update climbs its own loss, ``theta <- theta + step * grad BCE``
    (the optimizer is handed ``-grad``);
``"G_gets_loss_value"``
    G's backward pass is handed the loss *value* ``-log p`` (per sample, over
    ``N``) where ``dL/dp = -1 / (N p)`` belongs.

The in-place aliasing of the chapter's ``delta = outputs; delta *= ...`` only
changes the printed G loss, not training; notebook 03 shows it.
"""
import numpy as np

from .activations import ReLU, Tanh
from .losses import EPS, bce_grad, generator_logit_grad, sigmoid_bce_grad

#: The chapter's five gradient errors, by name.
ERRATA = ("dReLU", "dTanh", "dSigmoid", "D_ascends", "G_gets_loss_value")


def check_errata(value):
    """``value`` as a tuple of names from :data:`ERRATA` in their canonical order
    (``"all"`` is every name, ``()`` or ``None`` none); else ``ValueError`` naming ``errata``."""
    if value is None:
        return ()
    if isinstance(value, str):
        if value == "all":
            return ERRATA
        value = (value,)
    try:
        names = tuple(value)
    except TypeError:
        names = None
    if names is None or not all(isinstance(n, str) for n in names):
        raise ValueError(f"errata must be 'all' or a tuple of names from {', '.join(ERRATA)}, got {value!r}")
    unknown = [n for n in names if n not in ERRATA]
    if unknown:
        raise ValueError(f"errata must name only {', '.join(ERRATA)} (or be 'all'); unknown: {', '.join(map(repr, unknown))}")
    return tuple(n for n in ERRATA if n in names)


class ChapterReLU(ReLU):
    """ReLU with the chapter's ``dReLU``: the backward pass multiplies by ``relu(z) = y``."""

    name = "relu"

    def backward(self, y, dout):
        """The chapter's ``dL/dz = dout * relu(z)``, which is ``dout * y`` (not ``dout * [y > 0]``)."""
        return dout * y


class ChapterTanh(Tanh):
    """tanh with the chapter's ``dTanh`` applied to the output ``y``."""

    name = "tanh"

    def backward(self, y, dout):
        """The chapter's ``dL/dz = dout * (1 - tanh(y)**2)`` (not ``dout * (1 - y**2)``)."""
        t = np.tanh(y)
        return dout * (1.0 - t * t)


def generator_activations(errata, hidden_count):
    """G's activations under ``errata``: ``hidden_count`` ReLUs and a tanh, each the
    chapter's version where ``"dReLU"`` / ``"dTanh"`` is on. Forward passes are the same."""
    relu = ChapterReLU() if "dReLU" in errata else ReLU()
    tanh = ChapterTanh() if "dTanh" in errata else Tanh()
    return [relu] * hidden_count + [tanh]


def sigmoid_slope_on_output(p):
    """The chapter's ``dSigmoid(p) = s(p) (1 - s(p))``, ``s(u) = 1 / (1 + e^-u)``, for D's output ``p``."""
    s = 0.5 + 0.5 * np.tanh(0.5 * p)
    return s * (1.0 - s)


def discriminator_logit_grad(p, t, errata):
    """``dBCE/da`` of D's mean loss on target ``t``, as the chapter's code computes it under ``errata``.

    Exact (``"dSigmoid"`` off): the fused ``(p - t) / N``. With ``"dSigmoid"``:
    ``bce_grad(p, t) * s(p) (1 - s(p))``, with ``bce_grad = [(1-t)/(1-p) - t/p] / N``
    (``p`` clamped to ``[EPS, 1 - EPS]``, as the chapter's ``LossFunc.backward``).
    ``"D_ascends"`` is applied to the parameter gradient by the trainer, not here.
    """
    if "dSigmoid" not in errata:
        return sigmoid_bce_grad(p, t)
    return bce_grad(p, t) * sigmoid_slope_on_output(p)


def generator_output_grad(p, kind, errata):
    """What G's backward pass is handed at D's logit, under ``errata``.

    Exact (neither ``"dSigmoid"`` nor ``"G_gets_loss_value"``): ``generator_logit_grad``,
    ``(p - 1) / N`` for the non-saturating loss. Otherwise ``g_p * dp/da`` where

    * ``g_p = dL/dp``: ``-1 / (N q)`` (non-saturating, ``L = -log p``) or ``-1 / (N (1 - q))``
      (saturating, ``L = log(1 - p)``), with ``q = clip(p, EPS, 1 - EPS)``; with
      ``"G_gets_loss_value"`` it is the loss value instead, ``-log q / N`` or ``log(1 - q) / N``;
    * ``dp/da``: ``p (1 - p)``, or ``s(p) (1 - s(p))`` with ``"dSigmoid"``.
    """
    wrong_value, wrong_slope = "G_gets_loss_value" in errata, "dSigmoid" in errata
    if not (wrong_value or wrong_slope):
        return generator_logit_grad(p, kind)
    n = p.shape[-2] if p.ndim >= 2 else p.shape[0]
    q = np.clip(p, EPS, 1.0 - EPS)
    if kind == "non_saturating":
        g_p = -np.log(q) / n if wrong_value else -1.0 / (n * q)
    else:
        g_p = np.log(1.0 - q) / n if wrong_value else -1.0 / (n * (1.0 - q))
    slope = sigmoid_slope_on_output(p) if wrong_slope else p * (1.0 - p)
    return g_p * slope
