"""Checks for the exercises of notebook 03 (backpropagation).

Each check prints ``Correct: ...`` or ``Not yet: ...`` and returns a bool.
"""
import numpy as np

from ..gradcheck import numerical_gradient, relative_error
from ..mlp import Discriminator
from ._verdict import as_array, call, call_for_array, close, describe, guarded, verdict


def _deep_net(rng, sizes):
    Ws = [rng.normal(scale=0.8, size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [rng.normal(scale=0.3, size=b) for b in sizes[1:]]
    return Ws, bs


def _deep_forward(Ws, bs, x):
    """tanh after every layer but the last, which stays linear."""
    for i, (W, b) in enumerate(zip(Ws, bs)):
        x = x @ W + b
        if i < len(Ws) - 1:
            x = np.tanh(x)
    return x


def _as_arrays(value, count):
    """``value`` as a list of ``count`` float arrays, or ``None``."""
    if not isinstance(value, (list, tuple)) or len(value) != count:
        return None
    arrays = [as_array(v) for v in value]
    return None if any(a is None for a in arrays) else arrays


@guarded
def check_deep_backward(deep_backward):
    """Check ``deep_backward(Ws, bs, x, dout)`` for a network of any depth with tanh
    after every layer except the last (linear): it must return ``(dWs, dbs)``, two
    lists with the gradient of ``sum(output * dout)`` for every weight matrix and bias,
    compared with central differences on nets of 4 and 5 layers."""
    rng = np.random.default_rng(4)
    for sizes in ((3, 6, 5, 4, 2), (2, 7, 7, 7, 7, 3)):
        Ws, bs = _deep_net(rng, sizes)
        x, dout = rng.normal(size=(5, sizes[0])), rng.normal(size=(5, sizes[-1]))
        ok, got = call(deep_backward, "deep_backward", [W.copy() for W in Ws], [b.copy() for b in bs],
                       x.copy(), dout.copy())
        if not ok:
            return verdict(False, "deep_backward raised an error" if callable(deep_backward) else "pass your function",
                           got)
        parts = list(got) if isinstance(got, (tuple, list)) else None
        if parts is None or len(parts) != 2:
            return verdict(False, "return two lists: (dWs, dbs)", f"it returned {describe(got)}")
        n = len(Ws)
        dWs, dbs = _as_arrays(parts[0], n), _as_arrays(parts[1], n)
        if dWs is None or dbs is None:
            return verdict(False, f"dWs and dbs must each hold {n} arrays for a {n}-layer net",
                           "one gradient per layer, in the order of Ws and bs")
        loss = lambda: float(np.sum(_deep_forward(Ws, bs, x) * dout))
        for l in range(n - 1, -1, -1):
            for name, mine, param in (("dW", dWs[l], Ws[l]), ("db", dbs[l], bs[l])):
                want = numerical_gradient(loss, param)
                if mine.shape != want.shape:
                    return verdict(False, f"{name}[{l}] has the wrong shape",
                                   f"shape {mine.shape}, expected {want.shape}, the shape of the parameter")
                if not relative_error(mine, want) < 1e-6:
                    hint = ("the last layer is linear: start with delta = dout" if l == n - 1 else
                            "on the way down multiply by tanh' = 1 - y**2 of the layer below")
                    return verdict(False, f"{name}[{l}] disagrees with finite differences ({len(sizes) - 1} layers)",
                                   hint)
    return verdict(True, "your backward pass agrees with finite differences on nets of 4 and 5 layers")


@guarded
def check_saturating_dx(saturating_dx):
    """Check ``saturating_dx(D, x)``: the gradient of the saturating generator loss
    ``mean(log(1 - D(x)))`` over a batch of signals ``x`` (shape ``(m, 10)``) with
    respect to ``x``, for a ``gan_core.Discriminator`` ``D``: ``-p / m`` at D's logit,
    passed back through D. Compared with central differences; D must be left unchanged."""
    rng = np.random.default_rng(7)
    D = Discriminator(seed=12)
    x = rng.normal(scale=0.5, size=(6, 10))
    before = D.theta.copy()
    bad, got = call_for_array(saturating_dx, "saturating_dx", D, x.copy())
    if bad:
        return verdict(False, bad, got)
    if not np.array_equal(D.theta, before):
        return verdict(False, "saturating_dx changed D's parameters", "D only measures here: do not update it")
    got = as_array(got)
    probe = x.copy()
    want = numerical_gradient(lambda: float(np.mean(np.log(1 - D.forward(probe)))), probe)
    if got.shape != want.shape:
        return verdict(False, "the gradient must have the shape of x", f"got shape {got.shape}")
    if relative_error(got, want) < 1e-6:
        return verdict(True, "the saturating loss enters D's logit as -p / m; this gradient is small where D rejects x")
    p = D.forward(x)
    ns = D.backward_preactivation((p - 1) / len(x), param_grads=False)
    if close(got, ns, 1e-9) or close(got, -ns, 1e-9):
        return verdict(False, "that is the non-saturating loss", "d log(1 - p)/da = -p, not p - 1")
    if relative_error(got, want * len(x)) < 1e-6:
        return verdict(False, "almost: the loss is a mean over the batch", "divide by m")
    return verdict(False, "saturating_dx does not match", "start at D's logit with -p / m and run D's backward pass")


@guarded
def check_no_aliasing(sigmoid_backward):
    """Check ``sigmoid_backward(dout, y)``, the fixed version of the notebook's listing:
    it must return ``dout * y * (1 - y)`` and leave the caller's ``dout`` (and ``y``)
    unchanged."""
    rng = np.random.default_rng(8)
    y = rng.uniform(0.05, 0.95, size=(4, 1))
    dout = rng.normal(size=(4, 1))
    keep_dout, keep_y = dout.copy(), y.copy()
    bad, got = call_for_array(sigmoid_backward, "sigmoid_backward", dout, y)
    if bad:
        return verdict(False, bad, got)
    if not np.array_equal(dout, keep_dout):
        return verdict(False, "sigmoid_backward still changes the caller's dout",
                       "delta = dout makes a second name for the same array: start from a copy")
    if not np.array_equal(y, keep_y):
        return verdict(False, "sigmoid_backward changes y", "compute the slope into a new array")
    if not close(got, keep_dout * keep_y * (1 - keep_y), 1e-12):
        return verdict(False, "the returned gradient is wrong", "it is dout * y * (1 - y)")
    return verdict(True, "the gradient is right and the caller's arrays are untouched")
