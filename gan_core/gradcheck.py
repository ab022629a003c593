"""Gradient checking by central finite differences.

For a scalar function ``L(theta)`` the central difference

    dL/dtheta_i  ~  [L(theta + h e_i) - L(theta - h e_i)] / (2 h)

has an error of order ``h**2``; with ``h = 1e-6`` in float64 it agrees with a
correct analytic gradient to about 1e-9 relative error. We compare with

    relative_error(a, b) = ||a - b|| / max(||a|| + ||b||, 1e-300),

which is 0 for identical arrays and 1 for opposite ones.

Every function refuses a bad argument with a ``ValueError`` that names it and
its allowed range: the step ``h`` must be a number in ``(0, H_MAX]``, arrays
must be numeric (no lists of strings, no ragged lists), functions callable.

The checks need float64. A float32 network (``dtype="float32"``, as the
``recommended`` recipe trains) rounds every value to about 7 significant
digits, so ``L(theta + h e_i) - L(theta - h e_i)`` with ``h = 1e-6`` is mostly
rounding: such networks, and float32 arrays to perturb, are refused.
"""
import numpy as np

from ._checks import check_array, check_callable, check_choice, check_number
from .losses import generator_logit_grad, generator_loss

#: The largest finite-difference step accepted. Past ~1e-2 the ``h**2`` error
#: term swamps any gradient check; 1 is the hard limit.
H_MAX = 1.0

#: The generator loss kinds ``check_generator_through_discriminator`` knows.
GENERATOR_LOSS_KINDS = ("non_saturating", "saturating")


def _check_h(h):
    """``h`` as a float in ``(0, H_MAX]`` (a finite-difference step), else ``ValueError``."""
    return check_number("h", h, 0.0, H_MAX, lo_open=True)


def _check_fn(name, fn):
    return check_callable(name, fn, allow_none=False)


def _check_float64_net(name, net):
    """Refuse (``ValueError``) a network that does not compute in float64."""
    dtype = np.dtype(getattr(net, "dtype", np.float64))
    if dtype != np.float64:
        raise ValueError(f"{name} must be a float64 network for finite differences, got dtype {dtype.name} "
                         f"(its rounding swamps a step of h = 1e-6); build it with dtype='float64'")


def _scalar(name, value):
    """The number a loss function returned, as a float; ``ValueError`` if it is not one number."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.size != 1:
        raise ValueError(f"{name} must return one number, got {type(value).__name__}"
                         + (f" of shape {arr.shape}" if arr is not None else ""))
    return float(arr.reshape(()))


def relative_error(a, b):
    """``||a - b|| / (||a|| + ||b||)`` (0 when both are zero; NaN if either holds NaN).

    ``a`` and ``b`` must be numeric arrays of the same shape."""
    a, b = check_array("a", a, finite=False), check_array("b", b, finite=False)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def numerical_gradient(f, x, h=1e-6):
    """Central-difference gradient of the scalar ``f()`` with respect to the array ``x``.

    ``x`` is perturbed in place, one entry at a time, and restored; ``f`` takes
    no arguments, must read ``x`` and return one number. Returns an array shaped
    like ``x``: entry ``i`` is ``[f(x + h e_i) - f(x - h e_i)] / (2 h)``.
    ``x`` must therefore be a float NumPy array (a list or an integer array could
    not carry the perturbation to ``f``); ``h`` a number in ``(0, H_MAX]``.
    """
    f = _check_fn("f", f)
    h = _check_h(h)
    check_array("x", x, finite=False)
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        kind = type(x).__name__ if not isinstance(x, np.ndarray) else f"array of dtype {x.dtype}"
        raise ValueError(f"x must be a float NumPy array that f reads (perturbed in place), got a {kind}")
    if x.dtype != np.float64:
        raise ValueError(f"x must be a float64 array (lower precision swamps a finite-difference step), "
                         f"got dtype {x.dtype}")
    if not x.flags.writeable:
        raise ValueError("x must be a writeable array: it is perturbed in place")
    grad = np.zeros(x.shape)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("x must be a contiguous array that can be perturbed in place")
    for i in range(flat.size):
        old = flat[i]
        try:
            flat[i] = old + h
            up = _scalar("f", f())
            flat[i] = old - h
            down = _scalar("f", f())
        finally:
            flat[i] = old
        gflat[i] = (up - down) / (2 * h)
    return grad


def elementwise_derivative(f, z, h=1e-6):
    """Central-difference derivative of an elementwise ``f`` at every entry of ``z``:
    ``[f(z + h) - f(z - h)] / (2 h)``. ``z`` is a numeric array, ``h`` in ``(0, H_MAX]``."""
    f = _check_fn("f", f)
    h = _check_h(h)
    z = check_array("z", z)
    return (np.asarray(f(z + h), dtype=float) - np.asarray(f(z - h), dtype=float)) / (2 * h)


def check_network(net, x, rng=None, h=1e-6):
    """Check ``net.backward`` against finite differences on ``L = sum(forward(x) * R)``.

    ``R`` is a fixed random array, so ``dL/d(output) = R``. Returns a dict of
    relative errors, one per parameter name plus ``"input"`` for ``dL/dx``.
    ``x`` is a finite numeric array of shape ``(N, net.n_in)``, ``rng`` a NumPy
    ``Generator`` or None (seed 0), ``h`` in ``(0, H_MAX]``.
    """
    h = _check_h(h)
    _check_float64_net("net", net)
    if rng is None:
        rng = np.random.default_rng(0)
    elif not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator or None, got {type(rng).__name__}")
    x = check_array("x", x, shape=(None, net.n_in)).copy()
    R = rng.standard_normal((x.shape[0], net.n_out))

    def loss():
        return float(np.sum(net.forward(x) * R))

    net.forward(x)
    dx = net.backward(R)
    analytic = {k: g.copy() for k, g in net.grads.items()}
    errors = {k: relative_error(analytic[k], numerical_gradient(loss, net.params[k], h)) for k in net.params}
    errors["input"] = relative_error(dx, numerical_gradient(loss, x, h))
    return errors


def check_generator_through_discriminator(G, D, z, kind="non_saturating", h=1e-6):
    """Check G's gradient of the generator loss ``L(D(G(z)))`` (D fixed) against
    finite differences, through the same path the trainer uses: the fused
    logit gradient, ``D.backward_preactivation(..., param_grads=False)``, then
    ``G.backward``. Returns a dict of relative errors per G parameter.
    ``z`` is a finite numeric array of shape ``(N, G.n_in)``, ``kind`` one of
    ``GENERATOR_LOSS_KINDS``, ``h`` in ``(0, H_MAX]``."""
    h = _check_h(h)
    check_choice("kind", kind, GENERATOR_LOSS_KINDS)
    _check_float64_net("G", G)
    _check_float64_net("D", D)
    z = check_array("z", z, shape=(None, G.n_in)).copy()

    def loss():
        return generator_loss(D.forward(G.forward(z)), kind)

    p = D.forward(G.forward(z))
    G.backward(D.backward_preactivation(generator_logit_grad(p, kind), param_grads=False))
    analytic = {k: g.copy() for k, g in G.grads.items()}
    return {k: relative_error(analytic[k], numerical_gradient(loss, G.params[k], h)) for k in G.params}


def check_activation(act, z, h=1e-6):
    """Relative errors of ``act.derivative(z)`` and of ``act.backward(act(z), 1)``
    against the central difference of ``act`` at ``z``: a dict with keys
    ``"derivative"`` and ``"backward"``. ``z`` is a finite numeric array, ``h``
    in ``(0, H_MAX]``."""
    act = _check_fn("act", act)
    h = _check_h(h)
    z = check_array("z", z)
    fd = elementwise_derivative(act, z, h)
    return {"derivative": relative_error(act.derivative(z), fd),
            "backward": relative_error(act.backward(act(z), np.ones_like(z)), fd)}
