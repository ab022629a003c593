"""Checks for the exercises of notebook 02 (activations).

Each check prints ``Correct: ...`` or ``Not yet: ...`` and returns a bool.
"""
import numpy as np

from ..activations import Sigmoid, Tanh
from ..gradcheck import elementwise_derivative, relative_error
from ._verdict import as_number, call, call_for_array, close, describe, guarded, verdict


def _test_points(seed=2):
    """Pre-activations on both sides of 0, none at the kink itself."""
    z = np.random.default_rng(seed).uniform(-4.0, 4.0, 40)
    return z[np.abs(z) > 1e-3]


def _swish(z):
    return z * Sigmoid()(z)


@guarded
def check_swish_derivative(swish_derivative):
    """Check ``swish_derivative(s)`` for the activation ``swish(s) = s * sigmoid(s)``
    (also called SiLU): by the product rule its derivative is
    ``sg + s sg (1 - sg)`` with ``sg = sigmoid(s)``, evaluated at the pre-activation ``s``."""
    z = _test_points()
    s = Sigmoid()(z)
    bad, got = call_for_array(swish_derivative, "swish_derivative", z.copy())
    if bad:
        return verdict(False, bad, got)
    if close(got, s + z * s * (1 - s), 1e-9):
        return verdict(True, "swish'(s) = sg + s sg (1 - sg) with sg = sigmoid(s): negative below s = -1.28, "
                             "above 1 for large s")
    if close(got, s * (1 - s), 1e-9) or close(got, z * s * (1 - s), 1e-9) or close(got, s, 1e-9):
        return verdict(False, "only part of the derivative", "swish is a product, s times sigmoid(s): use the product rule")
    return verdict(False, "swish_derivative does not match", "compare it with central differences of s * sigmoid(s)")


@guarded
def check_elu_backward(elu_backward):
    """Check ``elu_backward(y, dout)``: ``dL/ds`` of ``elu(s) = s if s > 0 else exp(s) - 1``
    from its output ``y`` and ``dout = dL/dy``: ``dout`` where ``y > 0`` and
    ``dout * (y + 1)`` elsewhere (no ``exp`` needed)."""
    z = _test_points()
    y = np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))
    dout = np.random.default_rng(3).normal(size=z.shape)
    bad, got = call_for_array(elu_backward, "elu_backward", y.copy(), dout.copy())
    if bad:
        return verdict(False, bad, got)
    slope = np.where(z > 0, 1.0, np.exp(np.minimum(z, 0.0)))
    if close(got, dout * slope, 1e-9):
        return verdict(True, "elu's slope is 1 where y > 0 and y + 1 elsewhere, times dout")
    if close(got, slope, 1e-9):
        return verdict(False, "that is the slope alone", "multiply it by dout, the gradient arriving from above")
    if close(got, dout * np.where(y > 0, 1.0, np.exp(y)), 1e-9):
        return verdict(False, "that applies exp to the output", "for s <= 0, exp(s) = y + 1: rewrite it in y")
    return verdict(False, "elu_backward does not match", "for s > 0 the slope is 1; for s <= 0 it is exp(s) = y + 1")


def _wrong_tanh_derivative(z):
    return 1 - np.tanh(np.tanh(z)) ** 2


@guarded
def check_derivative_error(derivative_error):
    """Check ``derivative_error(f, df, z)``: the relative error (notebook 02's
    ``||a - b|| / (||a|| + ||b||)``) between ``df(z)`` and central differences of ``f``
    at the points ``z``. It must be below 1e-6 for three right derivatives and above
    1e-2 for two wrong ones (the chapter's tanh derivative on the output, and a
    sigmoid derivative missing its ``1 - s`` factor)."""
    z = _test_points(5)
    sig, tanh = Sigmoid(), Tanh()
    pairs = [("tanh with its right derivative", tanh, tanh.derivative, True),
             ("sigmoid with its right derivative", sig, sig.derivative, True),
             ("z**3 with 3 z**2", lambda v: v ** 3, lambda v: 3 * v ** 2, True),
             ("tanh with the chapter's derivative", tanh, _wrong_tanh_derivative, False),
             ("sigmoid with s instead of s (1 - s)", sig, sig, False)]
    for label, f, df, right in pairs:
        with np.errstate(all="ignore"):
            ok, out = call(derivative_error, "derivative_error", f, df, z.copy())
        if not ok:
            return verdict(False, "derivative_error raised an error" if callable(derivative_error)
                           else "pass your function", out)
        err = as_number(out)
        if err is None or not err >= 0:
            return verdict(False, "derivative_error must return one number, 0 or more",
                           f"it returned {describe(out)}" if err is None else "a relative error is never negative")
        if right and not err < 1e-6:
            return verdict(False, f"your check rejects {label}",
                           "central differences are (f(z + h) - f(z - h)) / (2 h), with h about 1e-6")
        if not right and not err > 1e-2:
            return verdict(False, f"your check lets {label} pass",
                           "compare df(z) with the finite differences, point by point")
    return verdict(True, "your check passes the three right derivatives and catches both wrong ones")
