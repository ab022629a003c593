"""Checks for the exercises of notebook 02 (activations).

Each check prints ``Correct: ...`` or ``Not yet: ...`` and returns a bool.
"""
import numpy as np

from ..activations import LeakyReLU, Sigmoid
from ._verdict import as_number, call_for_array, close, describe, guarded, verdict


def _test_points(seed=2):
    """Pre-activations on both sides of 0, none at the kink itself."""
    z = np.random.default_rng(seed).uniform(-4.0, 4.0, 40)
    return z[np.abs(z) > 1e-3]


@guarded
def check_leaky_backward(leaky_backward):
    """Check ``leaky_backward(y, dout, k)``: ``dL/dz`` of LeakyReLU with slope ``k``
    computed from the *output* ``y`` only, i.e. ``dout * (1 if y >= 0 else k)``
    (compared with ``gan_core.LeakyReLU(k).backward``), for k = 0.2 and 0.05."""
    z = _test_points()
    dout = np.random.default_rng(3).normal(size=z.shape)
    for k in (0.2, 0.05):
        act = LeakyReLU(k)
        bad, got = call_for_array(leaky_backward, "leaky_backward", act(z), dout, k)
        if bad:
            return verdict(False, bad, got)
        if not close(got, act.backward(act(z), dout), 1e-12):
            return verdict(False, f"leaky_backward is wrong for k = {k}",
                           "the slope is 1 where y >= 0 and k where y < 0; multiply by dout")
    return verdict(True, "LeakyReLU's derivative can be read off the sign of its output")


@guarded
def check_softplus_derivative(softplus_derivative):
    """Check ``softplus_derivative(z)`` for ``softplus(z) = log(1 + exp(z))``: the right
    answer is ``1 / (1 + exp(-z))``, the sigmoid, evaluated at the pre-activation."""
    z = _test_points()
    bad, got = call_for_array(softplus_derivative, "softplus_derivative", z)
    if bad:
        return verdict(False, bad, got)
    want = Sigmoid()(z)
    if close(got, want, 1e-9):
        return verdict(True, "softplus'(z) = sigmoid(z)")
    if close(got, Sigmoid()(np.log1p(np.exp(z))), 1e-9):
        return verdict(False, "that is the derivative applied to the output",
                       "evaluate the derivative at the pre-activation z")
    return verdict(False, "softplus_derivative does not match",
                   "differentiate log(1 + e^z) with the chain rule")


@guarded
def check_elu_from_output(elu_backward):
    """Check ``elu_backward(y)``: the derivative of ``elu(z) = z if z > 0 else exp(z) - 1``
    written through its output ``y``: ``1`` where ``y > 0`` and ``y + 1`` elsewhere."""
    z = _test_points()
    y = np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))
    bad, got = call_for_array(elu_backward, "elu_backward", y)
    if bad:
        return verdict(False, bad, got)
    want = np.where(z > 0, 1.0, np.exp(np.minimum(z, 0.0)))
    if close(got, want, 1e-9):
        return verdict(True, "elu'(z) = 1 for y > 0 and y + 1 for y <= 0: no exp needed")
    return verdict(False, "elu_backward does not match", "for z <= 0, exp(z) = y + 1")


@guarded
def check_wrong_sigmoid_range(low, high):
    """Check the range of the chapter's ``dSigmoid(self.y)``, i.e. ``s(1 - s)`` with
    ``s = sigmoid(y)`` and ``y = sigmoid(z)`` in (0, 1), over all z: from
    ``sigmoid'(1) ~ 0.1966`` (as z -> +inf) up to ``sigmoid'(0) = 0.25`` (z -> -inf);
    accepted to 1e-3."""
    s = Sigmoid()
    want_low, want_high = float(s.derivative(1.0)), float(s.derivative(0.0))
    got_low, got_high = as_number(low), as_number(high)
    if got_low is None or got_high is None:
        given = low if got_low is None else high
        return verdict(False, "give two numbers, low and high",
                       f"{'low' if got_low is None else 'high'} is {describe(given)}")
    low, high = got_low, got_high
    if abs(low - want_low) <= 1e-3 and abs(high - want_high) <= 1e-3:
        return verdict(True, f"the wrong derivative stays between {want_low:.4f} and {want_high:.4f}, "
                             "whatever the pre-activation")
    return verdict(False, "not quite", "the output y = sigmoid(z) only ranges over (0, 1): evaluate s(1 - s) there")
