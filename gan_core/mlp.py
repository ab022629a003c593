"""A multilayer perceptron of any depth and widths, and the chapter's two networks.

All parameters of a network live in one flat vector ``theta`` (and all
gradients in ``grad``); ``params`` and ``grads`` are dicts of named *views*
into them (``W1, b1, W2, b2, ...``). Reading or writing ``params["W1"]`` in
place changes ``theta`` and vice versa.

Contract used by the trainer, the notebooks and the tests:

* ``forward(x)``: ``(N, n_in) -> (N, n_out)``;
* ``backward(dout)``: takes ``dL/d(output)`` of shape ``(N, n_out)``, fills
  ``grads`` and returns ``dL/d(input)`` of shape ``(N, n_in)``.

A network computes in its ``dtype`` (float64 by default, or float32): ``theta``
and ``grad`` have that type, inputs of another type are converted on the way
in, and every activation and gradient comes out in it.
"""
import numpy as np

from ._checks import check_int
from .config import DTYPES
from .activations import LeakyReLU, get_activation
from .layers import Dense, uniform_init


#: The widest layer a network may have.
MAX_WIDTH = 1 << 16


def _as_rng(rng, seed):
    if rng is not None and seed is not None:
        raise ValueError("give either rng or seed, not both")
    if rng is None:
        return np.random.default_rng(0 if seed is None else seed)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng


def check_dtype(dtype):
    """``dtype`` (``"float64"``, ``"float32"`` or the NumPy types) as a ``np.dtype``; else ``ValueError``."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt not in (np.float64, np.float32) or isinstance(dtype, bool) or dtype is None:
        raise ValueError(f"dtype must be one of {', '.join(map(repr, DTYPES))}, got {dtype!r}")
    return dt


def _check_sizes(sizes):
    sizes = tuple(sizes)
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least an input and an output width, got {sizes!r}")
    return tuple(check_int("every layer width", s, 1, MAX_WIDTH) for s in sizes)


class MLP:
    """``sizes = (n_in, h_1, ..., n_out)``; ``activations`` has one entry per layer.

    Weights and biases are drawn with the chapter's initializer
    (``U(+-sqrt(2/(n_in + n_out)))``, biases with ``n_in = 1``) from ``rng``
    (a ``np.random.Generator``) or ``np.random.default_rng(seed)``.
    ``dtype`` (``"float64"`` or ``"float32"``) is the type of ``theta``, ``grad``
    and every array the network computes; the initial weights are drawn in
    float64 whatever it is, then rounded, so both types start from the same draw.
    """

    def __init__(self, sizes, activations, rng=None, seed=None, dtype="float64"):
        sizes = _check_sizes(sizes)
        self.dtype = check_dtype(dtype)
        activations = [get_activation(a) for a in activations]
        if len(activations) != len(sizes) - 1:
            raise ValueError(f"need {len(sizes) - 1} activations for sizes {sizes}, got {len(activations)}")
        rng = _as_rng(rng, seed)
        self.sizes = sizes
        shapes = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            shapes += [(f"W{i}", (n_in, n_out)), (f"b{i}", (n_out,))]
        total = sum(int(np.prod(s)) for _, s in shapes)
        self.theta = np.empty(total, dtype=self.dtype)
        self.grad = np.zeros(total, dtype=self.dtype)
        self._shapes, self._slices = dict(shapes), {}
        start = 0
        for name, shape in shapes:
            stop = start + int(np.prod(shape))
            self._slices[name] = slice(start, stop)
            start = stop
        self._link(activations)
        for name, shape in shapes:  # draw in the order W1, b1, W2, b2, ...
            n_in = shape[0] if name[0] == "W" else 1
            self.params[name][...] = uniform_init(n_in, shape[-1], rng).reshape(shape)

    def _link(self, activations):
        """Make ``params``, ``grads``, the layers and ``weight_grad_views`` views into ``theta`` and ``grad``."""
        self.params = {k: self.theta[sl].reshape(self._shapes[k]) for k, sl in self._slices.items()}
        self.grads = {k: self.grad[sl].reshape(self._shapes[k]) for k, sl in self._slices.items()}
        self.layers = [
            Dense(self.params[f"W{i}"], self.params[f"b{i}"], self.grads[f"W{i}"], self.grads[f"b{i}"], act)
            for i, act in enumerate(activations, start=1)
        ]
        #: Flat views of each weight matrix's gradient (gradient clipping acts on these).
        self.weight_grad_views = [self.grad[self._slices[f"W{i}"]] for i in range(1, len(self.layers) + 1)]

    def __getstate__(self):
        # Pickle copies every array on its own, so views would come back as copies that no
        # longer share theta's memory: keep the two flat vectors and re-link on loading.
        state = {k: v for k, v in vars(self).items() if k not in ("params", "grads", "layers", "weight_grad_views")}
        state["activations"] = self.activations
        return state

    def __setstate__(self, state):
        state = dict(state)
        activations = state.pop("activations")
        vars(self).update(state)
        self._link(activations)

    @property
    def n_in(self):
        return self.sizes[0]

    @property
    def n_out(self):
        return self.sizes[-1]

    @property
    def activations(self):
        return [layer.activation for layer in self.layers]

    def forward(self, x):
        """Map ``x`` of shape ``(N, n_in)`` through every layer: ``x_{l} = f_l(x_{l-1} W_l + b_l)``."""
        if x.ndim != 2 or x.shape[1] != self.sizes[0]:
            raise ValueError(f"input must have shape (N, {self.sizes[0]}), got {np.shape(x)}")
        if x.dtype != self.dtype:
            x = x.astype(self.dtype)
        for layer in self.layers:
            x = layer.forward(x)
        return x

    __call__ = forward

    def backward(self, dout, param_grads=True, input_grad=True):
        """Backpropagate ``dout = dL/d(output)``: fill ``grads``, return ``dL/d(input)``.

        The delta recursion: ``dz_L = dout * f_L'``, then for each layer
        ``dW_l = x_{l-1}^T dz_l``, ``db_l = sum_n dz_l``,
        ``dz_{l-1} = (dz_l W_l^T) * f_{l-1}'``.
        """
        last = self.layers[-1]
        if dout.dtype != self.dtype:
            dout = dout.astype(self.dtype)
        return self.backward_preactivation(last.activation.backward(last.y, dout), param_grads, input_grad)

    def backward_preactivation(self, dz, param_grads=True, input_grad=True):
        """Like ``backward`` but starting from ``dL/dz`` of the last layer's pre-activation.

        The trainer uses it with the fused sigmoid + BCE gradient ``p - t``.
        ``input_grad=False`` skips ``dL/d(input)`` (returns ``None``).
        """
        if dz.dtype != self.dtype:
            dz = dz.astype(self.dtype)
        layers = self.layers
        for i in range(len(layers) - 1, 0, -1):
            dx = layers[i].backward_preactivation(dz, param_grads)
            dz = layers[i - 1].activation.backward(layers[i - 1].y, dx)
        return layers[0].backward_preactivation(dz, param_grads, input_grad)

    def zero_grad(self):
        """Set every gradient to zero."""
        self.grad[...] = 0.0

    def copy(self):
        """An independent network with the same architecture, dtype and parameter values."""
        twin = MLP.__new__(type(self))
        MLP.__init__(twin, self.sizes, self.activations, seed=0, dtype=self.dtype)
        twin.theta[...] = self.theta
        return twin

    def __repr__(self):
        acts = ", ".join(a.name for a in self.activations)
        kind = "" if self.dtype == np.float64 else f", dtype={self.dtype.name}"
        return f"{type(self).__name__}(sizes={self.sizes}, activations=[{acts}], parameters={self.theta.size}{kind})"


def _hidden(hidden):
    if isinstance(hidden, (int, np.integer)) and not isinstance(hidden, bool):
        return (int(hidden), int(hidden))
    return tuple(hidden)


class Generator(MLP):
    """The generator ``G: z -> x``. Defaults are the chapter's: 1 -> 10 -> 10 -> 10
    with ReLU, ReLU and tanh (tanh keeps every output in ``(-1, 1)``).

    ``hidden`` is an int (two hidden layers of that width, as the chapter's
    ``G_HIDDEN``) or a sequence of widths; ``dtype`` as for ``MLP``.
    """

    def __init__(self, z_dim=1, hidden=(10, 10), x_dim=10, hidden_activation="relu",
                 output_activation="tanh", rng=None, seed=None, dtype="float64"):
        hidden = _hidden(hidden)
        sizes = (z_dim, *hidden, x_dim)
        acts = [hidden_activation] * len(hidden) + [output_activation]
        super().__init__(_check_sizes(sizes), acts, rng=rng, seed=seed, dtype=dtype)


class Discriminator(MLP):
    """The discriminator ``D: x -> p(real)``. Defaults are the chapter's:
    10 -> 10 -> 10 -> 1 with LeakyReLU(0.2), LeakyReLU(0.2) and sigmoid; ``dtype`` as for ``MLP``."""

    def __init__(self, x_dim=10, hidden=(10, 10), hidden_activation=None,
                 output_activation="sigmoid", rng=None, seed=None, leaky_slope=0.2, dtype="float64"):
        hidden = _hidden(hidden)
        if hidden_activation is None:
            hidden_activation = LeakyReLU(leaky_slope)
        sizes = (x_dim, *hidden, 1)
        acts = [hidden_activation] * len(hidden) + [output_activation]
        super().__init__(_check_sizes(sizes), acts, rng=rng, seed=seed, dtype=dtype)
