"""Activation functions, each with its value and its derivative.

Every activation ``f`` offers three things:

* ``f(z)`` -- the value, applied elementwise to the pre-activation ``z``;
* ``f.derivative(z)`` -- ``f'(z)``, evaluated at the *pre-activation*;
* ``f.backward(y, dout)`` -- ``dL/dz = dout * f'(z)``, computed from the
  *output* ``y = f(z)`` alone. Backpropagation uses this form, so a layer
  only has to remember its output. It works because each derivative here can
  be written through the output: ReLU and LeakyReLU keep the sign of ``z``,
  ``tanh' = 1 - y**2`` and ``sigmoid' = y * (1 - y)``.

The chapter's code got three of these wrong (see notebook 02): its ``dReLU``
returned ``ReLU(z)``, and it fed the *output* into ``dTanh`` and ``dSigmoid``,
which expect the pre-activation.
"""
import numpy as np


class Activation:
    """Base class: subclasses define ``__call__``, ``derivative`` and ``backward``."""

    name = "activation"

    def __call__(self, z):  # pragma: no cover - abstract
        raise NotImplementedError

    def derivative(self, z):  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, y, dout):  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"

    def __eq__(self, other):
        return type(self) is type(other) and vars(self) == vars(other)

    def __hash__(self):
        return hash((type(self).__name__, tuple(sorted(vars(self).items()))))


class ReLU(Activation):
    """``relu(z) = max(z, 0)``; ``relu'(z) = 1 if z > 0 else 0``."""

    name = "relu"

    def __call__(self, z):
        return np.maximum(z, 0.0)

    def derivative(self, z):
        """``relu'(z) = [z > 0]`` (a step function, not ``relu`` itself)."""
        return (np.asarray(z) > 0).astype(float)

    def backward(self, y, dout):
        """``dL/dz = dout * [y > 0]``: ``y > 0`` exactly where ``z > 0``.

        As ``y >= 0``, ``sign(y)`` is that 0/1 step, already as floats.
        """
        return dout * np.sign(y)


class LeakyReLU(Activation):
    """``leaky(z) = z if z >= 0 else k*z``; ``leaky'(z) = 1 if z >= 0 else k``.

    ``k`` (the chapter uses 0.2) must lie in ``[0, 1]``.
    """

    name = "leaky_relu"

    def __init__(self, k=0.2):
        k = float(k)
        if not 0.0 <= k <= 1.0:
            raise ValueError(f"LeakyReLU slope k must be in [0, 1], got {k!r}")
        self.k = k
        self._half_sum, self._half_diff = (1.0 + k) / 2, (1.0 - k) / 2

    def __call__(self, z):
        # For 0 <= k <= 1, max(z, k z) equals z for z >= 0 and k z below.
        return np.maximum(z, self.k * z)

    def derivative(self, z):
        """``leaky'(z) = 1`` for ``z >= 0``, ``k`` for ``z < 0``."""
        return np.where(np.asarray(z) >= 0, 1.0, self.k)

    def backward(self, y, dout):
        """``dL/dz = dout * (1 if y >= 0 else k)``: with ``k >= 0`` y keeps z's sign.

        The slope is computed as ``(1 + k)/2 + (1 - k)/2 * sign(y)`` (via
        ``copysign``), three cheap float operations instead of a ``where``.
        """
        return dout * (np.copysign(self._half_diff, y) + self._half_sum)

    def __repr__(self):
        return f"LeakyReLU(k={self.k})"


class Tanh(Activation):
    """``tanh(z)``; ``tanh'(z) = 1 - tanh(z)**2 = 1 - y**2``."""

    name = "tanh"

    def __call__(self, z):
        return np.tanh(z)

    def derivative(self, z):
        """``tanh'(z) = 1 - tanh(z)**2``."""
        return 1.0 - np.tanh(z) ** 2

    def derivative_from_output(self, y):
        """``tanh'`` written through the output ``y = tanh(z)``: ``1 - y**2``."""
        return 1.0 - y * y

    def backward(self, y, dout):
        """``dL/dz = dout * (1 - y**2)``."""
        return dout * (1.0 - y * y)


class Sigmoid(Activation):
    """``sigmoid(z) = 1 / (1 + exp(-z))``; ``sigmoid'(z) = y * (1 - y)``.

    Computed as ``0.5 + 0.5 * tanh(z / 2)``, the same function, which never
    overflows for large ``|z|``.
    """

    name = "sigmoid"

    def __call__(self, z):
        return 0.5 + 0.5 * np.tanh(0.5 * z)

    def derivative(self, z):
        """``sigmoid'(z) = sigmoid(z) * (1 - sigmoid(z))``."""
        y = self(z)
        return y * (1.0 - y)

    def derivative_from_output(self, y):
        """``sigmoid'`` written through the output ``y = sigmoid(z)``: ``y (1 - y)``."""
        return y * (1.0 - y)

    def backward(self, y, dout):
        """``dL/dz = dout * y * (1 - y)``."""
        return dout * (y * (1.0 - y))


class Identity(Activation):
    """``f(z) = z``; ``f'(z) = 1`` (a linear output layer)."""

    name = "identity"

    def __call__(self, z):
        return z

    def derivative(self, z):
        """``f'(z) = 1``."""
        return np.ones_like(np.asarray(z, dtype=float))

    def backward(self, y, dout):
        """``dL/dz = dout``."""
        return dout


_BY_NAME = {cls.name: cls for cls in (ReLU, LeakyReLU, Tanh, Sigmoid, Identity)}
_BY_NAME["linear"] = Identity


def get_activation(spec):
    """Return an activation from a name (``"relu"``, ``"leaky_relu"``, ``"tanh"``,
    ``"sigmoid"``, ``"identity"``) or pass an ``Activation`` instance through."""
    if isinstance(spec, Activation):
        return spec
    if isinstance(spec, str) and spec.lower() in _BY_NAME:
        return _BY_NAME[spec.lower()]()
    raise ValueError(f"activation must be one of {sorted(_BY_NAME)} or an Activation, got {spec!r}")
