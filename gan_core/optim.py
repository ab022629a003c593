"""Parameter updates: SGD and Adam on a flat parameter vector, and the two clips.

Both networks are trained by *descending* their own loss:
``theta <- theta - step * grad(loss)``. For the discriminator that loss is
BCE, whose descent is exactly the ascent of the minimax value V(D, G) that the
chapter writes (its code added the BCE gradient instead: one of its errata).
"""
import math

import numpy as np

#: Adam's ``eps`` (the paper's default).
EPS_ADAM = 1e-8


#: Step sizes and limits of these types carry their own dtype (float64 for the
#: vectorised runs' per-parameter arrays) and are rounded to the parameters' dtype
#: before use, so they do not widen a float32 update to float64. A Python float
#: needs nothing: NumPy rounds it to the array's type. (One ``isinstance`` per
#: call, so the one-sample book step, about 150 us, costs what it did.)
_NUMPY_VALUES = (np.ndarray, np.generic)


class SGD:
    """Plain gradient descent: ``theta <- theta - step * g``.

    ``theta`` and ``g`` share one dtype (float64 or float32), and so does the update."""

    name = "sgd"

    def __init__(self, size, dtype="float64"):
        self.size = size
        self.dtype = np.dtype(dtype)

    def step(self, theta, g, step_size):
        """Apply ``theta -= step_size * g`` in place."""
        if isinstance(step_size, _NUMPY_VALUES):
            step_size = step_size.astype(g.dtype, copy=False)
        theta -= step_size * g

    def state(self):
        """Arrays needed to resume (none for SGD)."""
        return {}

    def load_state(self, state):
        """Restore ``state()`` (nothing to do for SGD)."""


class Adam:
    """Adam (Kingma & Ba 2015) with bias correction, as this code computes it::

        t <- t + 1
        m <- b1 m + (1 - b1) g          v <- b2 v + (1 - b2) g^2
        theta <- theta - step * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)

    ``eps`` is added to ``sqrt(v)`` *before* the bias correction (the form of
    the paper's section 2, "efficiency"), so the update equals
    ``step * m_hat / (sqrt(v_hat) + eps / sqrt(1 - b2^t))`` with
    ``m_hat = m / (1 - b1^t)`` and ``v_hat = v / (1 - b2^t)``: early on the
    effective epsilon is larger than ``eps``.

    ``theta`` and ``g`` are flat vectors; ``step`` is a number or an array of
    the same length (the vectorised runs give every run its own step size).
    The moments ``m`` and ``v`` have ``dtype``, the parameters' type, and the
    whole update is computed in it: the scalar factors are Python floats,
    which NumPy rounds to the arrays' type instead of widening the arrays.
    """

    name = "adam"

    def __init__(self, size, beta1=0.5, beta2=0.999, eps=EPS_ADAM, dtype="float64"):
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = np.zeros(size, dtype=dtype)
        self.v = np.zeros(size, dtype=dtype)
        self.t = 0

    def step(self, theta, g, step_size):
        """One Adam update of ``theta`` in place (the equations in the class docstring)."""
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        self.m *= b1
        self.m += (1.0 - b1) * g
        self.v *= b2
        self.v += (1.0 - b2) * (g * g)
        corrected_step = step_size * math.sqrt(1.0 - b2 ** self.t) / (1.0 - b1 ** self.t)
        if isinstance(corrected_step, _NUMPY_VALUES):  # rounded once, after the float64 arithmetic
            corrected_step = corrected_step.astype(self.m.dtype, copy=False)
        denom = np.sqrt(self.v)
        denom += self.eps
        update = corrected_step * self.m
        update /= denom
        theta -= update

    def state(self):
        """Arrays needed to resume: moments and step count."""
        return {"m": self.m, "v": self.v, "t": np.array(self.t)}

    def load_state(self, state):
        """Restore ``state()`` (shapes must match: ``ValueError`` otherwise)."""
        for key in ("m", "v"):
            if np.shape(state[key]) != self.m.shape:
                raise ValueError(f"Adam state {key} has shape {np.shape(state[key])}, the network needs {self.m.shape}")
        if int(state["t"]) < 0:
            raise ValueError(f"Adam step count t must be >= 0, got {int(state['t'])}")
        self.m[...] = state["m"]
        self.v[...] = state["v"]
        self.t = int(state["t"])


def make_optimizer(name, size, beta1=0.5, beta2=0.999, eps=EPS_ADAM, dtype="float64"):
    """``"sgd"`` or ``"adam"`` for a flat vector of ``size`` parameters of ``dtype``."""
    if name == "sgd":
        return SGD(size, dtype)
    if name == "adam":
        return Adam(size, beta1, beta2, eps, dtype)
    raise ValueError(f"optimizer must be 'sgd' or 'adam', got {name!r}")


def clip_gradient_norms(weight_grads, max_norm):
    """Rescale each weight gradient ``g`` (in place) so that ``||g|| <= max_norm``:
    ``g <- g * max_norm / ||g||`` when ``||g|| > max_norm``. Biases are not clipped,
    as in the chapter. ``max_norm=None`` only measures.

    One run: each ``g`` is a flat view and ``max_norm`` a number (or None).
    Returns ``(norm_before, norm_after, n_clipped)`` where the norms are taken
    over all the weight gradients together, ``sqrt(sum_l ||g_l||^2)``.

    K stacked runs (``gan_core.experiments.vectorised``): each ``g`` has shape
    ``(K, ...)`` and ``max_norm`` is an array of K thresholds (``inf`` is off);
    the same rule is applied to each run's slice, and the three results are
    arrays of K values.
    """
    if not isinstance(max_norm, np.ndarray):  # one run: plain floats are fastest
        before = after = 0.0
        clipped = 0
        for g in weight_grads:
            sq = float(np.dot(g, g))
            before += sq
            if max_norm is not None and sq > max_norm * max_norm:
                g *= max_norm / math.sqrt(sq)
                clipped += 1
                sq = max_norm * max_norm
            after += sq
        return math.sqrt(before), math.sqrt(after), clipped
    max_norm = np.asarray(max_norm, dtype=float)
    before = np.zeros(max_norm.shape)
    after = np.zeros(max_norm.shape)
    clipped = np.zeros(max_norm.shape, dtype=int)
    for g in weight_grads:
        flat = g.reshape(g.shape[0], -1)
        sq = np.einsum("ki,ki->k", flat, flat)
        before += sq
        over = sq > max_norm * max_norm
        if over.any():
            scale = np.where(over, max_norm / np.sqrt(np.where(over, sq, 1.0)), 1.0).astype(g.dtype, copy=False)
            g *= scale.reshape((-1,) + (1,) * (g.ndim - 1))
            sq = np.where(over, max_norm * max_norm, sq)
            clipped += over
        after += sq
    return np.sqrt(before), np.sqrt(after), clipped


def step_scale(iteration, iter_num, lr_decay):
    """The factor on both step sizes at ``iteration`` (counted from 0).

    ``lr_decay="linear"``: ``max(0, 1 - iteration / ITER_NUM)``, so the step
    falls from its set value to 0 at ``ITER_NUM``; ``"none"``: 1.
    """
    return max(0.0, 1.0 - iteration / iter_num) if lr_decay == "linear" else 1.0


def average_weights(avg, theta, decay, count):
    """One step of the bias-corrected exponential moving average of ``theta`` (in place).

    With ``count = t >= 1`` updates so far, including this one::

        avg_t = avg_{t-1} + (1 - d) / (1 - d^t) * (theta_t - avg_{t-1})

    which equals ``e_t / (1 - d^t)`` for the plain average
    ``e_t = d e_{t-1} + (1 - d) theta_t`` started at ``e_0 = 0``: the same
    bias correction as Adam's moments. ``avg_1 = theta_1``, and ``avg_t`` is
    a weighted mean of ``theta_1 .. theta_t`` with weights proportional to
    ``d^(t - s)``; the initial weights get no share at all.
    """
    w = (1.0 - decay) / (1.0 - decay ** count)
    avg += w * (theta - avg)


def clip_weights(theta, limit):
    """Clamp every parameter (in place) to ``[-limit, limit]``: ``theta <- min(max(theta, -c), c)``.

    ``limit`` is a number, or an array as long as ``theta`` (one limit per parameter),
    rounded to ``theta``'s dtype.
    """
    if isinstance(limit, _NUMPY_VALUES):
        limit = limit.astype(theta.dtype, copy=False)
    np.minimum(theta, limit, out=theta)
    np.maximum(theta, -limit, out=theta)
