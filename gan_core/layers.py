"""A dense (fully connected) layer with an activation, and the chapter's initializer.

Forward, for a batch ``x`` of shape ``(N, n_in)``::

    z = x W + b          W: (n_in, n_out), b: (n_out,)
    y = f(z)

Backward, given ``dy = dL/dy`` of shape ``(N, n_out)``::

    dz = dy * f'(z)      (computed from y, see activations.py)
    dW = x^T dz          db = sum over the batch of dz
    dx = dz W^T          (handed down to the layer below)
"""
import numpy as np

from .activations import get_activation


def uniform_init(n_in, n_out, rng):
    """The chapter's initializer: ``U(-s, s)`` with ``s = sqrt(2 / (n_in + n_out))``,
    shape ``(n_in, n_out)`` (biases use it with ``n_in = 1``)."""
    scale = np.sqrt(2.0 / (n_in + n_out))
    return rng.uniform(-scale, scale, (n_in, n_out))


class Dense:
    """``y = f(x W + b)`` with explicit ``forward`` and ``backward``.

    ``W``, ``b`` and their gradients ``dW``, ``db`` may be views into larger
    flat arrays (the MLP keeps all of a network's parameters in one vector, so
    an optimizer step or a clip is one NumPy call).
    """

    def __init__(self, W, b, dW, db, activation):
        self.W, self.b, self.dW, self.db = W, b, dW, db
        self.activation = get_activation(activation)
        self.x = None  # input of the last forward pass
        self.y = None  # output of the last forward pass

    @property
    def n_in(self):
        return self.W.shape[0]

    @property
    def n_out(self):
        return self.W.shape[1]

    def forward(self, x):
        """``y = f(x W + b)``; remembers ``x`` and ``y`` for the backward pass."""
        z = np.dot(x, self.W)  # np.dot: same as @, less call overhead on tiny arrays
        z += self.b
        self.x = x
        self.y = self.activation(z)
        return self.y

    def backward(self, dy, param_grads=True):
        """From ``dL/dy`` compute ``dz = dy * f'(z)``, then see ``backward_preactivation``."""
        return self.backward_preactivation(self.activation.backward(self.y, dy), param_grads)

    def backward_preactivation(self, dz, param_grads=True, input_grad=True):
        """From ``dz = dL/dz``: fill ``dW = x^T dz``, ``db = sum_n dz`` and return ``dx = dz W^T``.

        With ``param_grads=False`` only ``dx`` is computed (used when a gradient
        flows *through* a network whose parameters stay fixed); with
        ``input_grad=False`` ``dx`` is skipped and ``None`` returned.
        """
        if param_grads:
            np.dot(self.x.T, dz, out=self.dW)
            if len(dz) == 1:  # one sample: the sum is the row itself
                self.db[...] = dz[0]
            else:
                np.add.reduce(dz, axis=0, out=self.db)
        return np.dot(dz, self.W.T) if input_grad else None
