"""Gradient checking by central finite differences.

For a scalar function ``L(theta)`` the central difference

    dL/dtheta_i  ~  [L(theta + h e_i) - L(theta - h e_i)] / (2 h)

has an error of order ``h**2``; with ``h = 1e-6`` in float64 it agrees with a
correct analytic gradient to about 1e-9 relative error. We compare with

    relative_error(a, b) = ||a - b|| / max(||a|| + ||b||, 1e-300),

which is 0 for identical arrays and 1 for opposite ones.
"""
import numpy as np

from .losses import generator_logit_grad, generator_loss


def relative_error(a, b):
    """``||a - b|| / (||a|| + ||b||)`` (0 when both are zero)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def numerical_gradient(f, x, h=1e-6):
    """Central-difference gradient of the scalar ``f()`` with respect to the array ``x``.

    ``x`` is perturbed in place, one entry at a time, and restored; ``f`` takes
    no arguments and must read ``x``. Returns an array shaped like ``x``.
    """
    if not h > 0:
        raise ValueError(f"h must be > 0, got {h!r}")
    grad = np.zeros(x.shape)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("x must be a contiguous array that can be perturbed in place")
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        up = f()
        flat[i] = old - h
        down = f()
        flat[i] = old
        gflat[i] = (up - down) / (2 * h)
    return grad


def elementwise_derivative(f, z, h=1e-6):
    """Central-difference derivative of an elementwise ``f`` at every entry of ``z``:
    ``[f(z + h) - f(z - h)] / (2 h)``."""
    z = np.asarray(z, dtype=float)
    return (f(z + h) - f(z - h)) / (2 * h)


def check_network(net, x, rng=None, h=1e-6):
    """Check ``net.backward`` against finite differences on ``L = sum(forward(x) * R)``.

    ``R`` is a fixed random array, so ``dL/d(output) = R``. Returns a dict of
    relative errors, one per parameter name plus ``"input"`` for ``dL/dx``.
    """
    rng = np.random.default_rng(0) if rng is None else rng
    x = np.array(x, dtype=float)
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
    ``G.backward``. Returns a dict of relative errors per G parameter."""
    z = np.array(z, dtype=float)

    def loss():
        return generator_loss(D.forward(G.forward(z)), kind)

    p = D.forward(G.forward(z))
    G.backward(D.backward_preactivation(generator_logit_grad(p, kind), param_grads=False))
    analytic = {k: g.copy() for k, g in G.grads.items()}
    return {k: relative_error(analytic[k], numerical_gradient(loss, G.params[k], h)) for k in G.params}


def check_activation(act, z, h=1e-6):
    """Relative errors of ``act.derivative(z)`` and of ``act.backward(act(z), 1)``
    against the central difference of ``act`` at ``z``: a dict with keys
    ``"derivative"`` and ``"backward"``."""
    z = np.asarray(z, dtype=float)
    fd = elementwise_derivative(act, z, h)
    return {"derivative": relative_error(act.derivative(z), fd),
            "backward": relative_error(act.backward(act(z), np.ones_like(z)), fd)}
