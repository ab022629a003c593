"""Parameter updates: SGD and Adam on a flat parameter vector, and the two clips.

Both networks are trained by *descending* their own loss:
``theta <- theta - step * grad(loss)``. For the discriminator that loss is
BCE, whose descent is exactly the ascent of the minimax value V(D, G) that the
chapter writes (its code added the BCE gradient instead: one of its errata).
"""
import math

import numpy as np


class SGD:
    """Plain gradient descent: ``theta <- theta - step * g``."""

    name = "sgd"

    def __init__(self, size):
        self.size = size

    def step(self, theta, g, step_size):
        """Apply ``theta -= step_size * g`` in place."""
        theta -= step_size * g

    def state(self):
        """Arrays needed to resume (none for SGD)."""
        return {}

    def load_state(self, state):
        """Restore ``state()`` (nothing to do for SGD)."""


class Adam:
    """Adam (Kingma & Ba 2015) with bias correction::

        m <- b1 m + (1 - b1) g          v <- b2 v + (1 - b2) g^2
        theta <- theta - step * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
    """

    name = "adam"

    def __init__(self, size, beta1=0.5, beta2=0.999, eps=1e-8):
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = np.zeros(size)
        self.v = np.zeros(size)
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
        theta -= corrected_step * self.m / (np.sqrt(self.v) + self.eps)

    def state(self):
        """Arrays needed to resume: moments and step count."""
        return {"m": self.m, "v": self.v, "t": np.array(self.t)}

    def load_state(self, state):
        """Restore ``state()``."""
        self.m[...] = state["m"]
        self.v[...] = state["v"]
        self.t = int(state["t"])


def make_optimizer(name, size, beta1=0.5, beta2=0.999):
    """``"sgd"`` or ``"adam"`` for a flat vector of ``size`` parameters."""
    if name == "sgd":
        return SGD(size)
    if name == "adam":
        return Adam(size, beta1, beta2)
    raise ValueError(f"optimizer must be 'sgd' or 'adam', got {name!r}")


def clip_gradient_norms(weight_grads, max_norm):
    """Rescale each weight gradient ``g`` (in place) so that ``||g|| <= max_norm``:
    ``g <- g * max_norm / ||g||`` when ``||g|| > max_norm``. Biases are not clipped,
    as in the chapter. ``max_norm=None`` only measures.

    Returns ``(norm_before, norm_after, n_clipped)`` where the norms are taken
    over all the weight gradients together, ``sqrt(sum_l ||g_l||^2)``.
    """
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


def clip_weights(theta, limit):
    """Clamp every parameter (in place) to ``[-limit, limit]``: ``theta <- min(max(theta, -c), c)``."""
    np.minimum(theta, limit, out=theta)
    np.maximum(theta, -limit, out=theta)
